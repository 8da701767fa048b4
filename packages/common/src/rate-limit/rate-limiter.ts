import { Redis } from 'ioredis'
import Type, { type TProperties } from 'typebox'
import { AppError } from '../errors/app-error.js'
import { silentLogger, type EventLogger } from '../events/logger.js'
import { dependency } from '../http/dependencies.js'

/** Where the counters of every instance live, and the prefix of their keys (tests give each run its own). */
export const rateLimitEnv = {
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  RATE_LIMIT_PREFIX: Type.String({ minLength: 1, default: 'ticketing' }),
} satisfies TProperties

/** A budget: at most `max` hits per subject within a fixed window that starts with the first hit. */
export interface RateLimit {
  /** Part of the key, so two limits on one subject never share a counter. */
  name: string
  max: number
  windowSeconds: number
}

/** A spent budget: what a 429 tells. */
export interface RateLimitVerdict {
  /** Hits in the current window, this one included. */
  count: number
  /** Until the window ends: what `Retry-After` says. */
  retryAfterSeconds: number
}

/** A budget and whose it is: the subject (an address, an account) that spends it. */
export interface Budget {
  limit: RateLimit
  subject: string
}

/**
 * One atomic step, so parallel requests can never both see "one left": counts a hit against each budget in
 * turn (starting its window on the first hit; a key without an expiry, left by a refund racing the window's
 * end, gets one too) and stops at the first one spent, so a refused request takes nothing from those after it.
 * Answers the spent budget's position (1-based) with its count and time left, or 0 when none is.
 */
const SPEND = `
for i, key in ipairs(KEYS) do
  local windowMs = tonumber(ARGV[2 * i - 1])
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, windowMs)
    ttl = windowMs
  end
  if count > tonumber(ARGV[2 * i]) then return {i, count, ttl} end
end
return {0, 0, 0}`

/**
 * Gives hits back (a sign-in that succeeded is no failure): the first ARGV[1] keys are forgotten altogether,
 * the others each get one hit back; never leaves a counter at zero or below.
 */
const GIVE_BACK = `
local forget = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if i <= forget then
    redis.call('DEL', key)
  elseif redis.call('DECR', key) <= 0 then
    redis.call('DEL', key)
  end
end
return 0`

/** How long a command may take before the limiter gives up on Redis for this request. */
const COMMAND_TIMEOUT_MS = 500
const OUTAGE_LOG_EVERY_MS = 30_000

type ScriptedRedis = Redis & {
  rateLimitSpend(
    keyCount: number,
    ...keysThenArguments: (string | number)[]
  ): Promise<[number, number, number]>
  rateLimitGiveBack(keyCount: number, ...keysThenArguments: (string | number)[]): Promise<number>
}

/**
 * Fixed-window counters in Redis, shared by every instance of every service that uses them. When Redis does
 * not answer, limits fail open: the request goes on and an error is logged (at most every 30 s). A limiter
 * must not take sign-in or reservations down with it; what stays in force meanwhile is argon2's cost per
 * guess and the open-order cap, which lives in PostgreSQL.
 */
export class RateLimiter {
  readonly #redis: ScriptedRedis
  readonly #prefix: string
  readonly #logger: EventLogger
  #lastOutageLog = 0

  constructor(options: { redis: Redis; prefix: string; logger?: EventLogger }) {
    this.#redis = options.redis as ScriptedRedis
    this.#prefix = options.prefix
    this.#logger = options.logger ?? silentLogger
    // Without numberOfKeys, each call says how many of its arguments are keys: budgets come in any number.
    this.#redis.defineCommand('rateLimitSpend', { lua: SPEND })
    this.#redis.defineCommand('rateLimitGiveBack', { lua: GIVE_BACK })
  }

  key(limit: RateLimit, subject: string): string {
    return `${this.#prefix}:rate:${limit.name}:${subject}`
  }

  /**
   * Counts a hit against each budget in turn, in one round trip, and answers the first one spent (then those
   * after it are left untouched), or nothing when every one still allows it. One script on several keys: the
   * limits need one Redis primary, not a Redis Cluster (as BullMQ's queues do).
   */
  async spend(
    budgets: readonly Budget[],
  ): Promise<{ budget: Budget; verdict: RateLimitVerdict } | undefined> {
    try {
      const windowsAndMaxima = budgets.flatMap(({ limit }) => [limit.windowSeconds * 1000, limit.max])
      const [position, count, ttlMs] = await this.#redis.rateLimitSpend(
        budgets.length,
        ...budgets.map(({ limit, subject }) => this.key(limit, subject)),
        ...windowsAndMaxima,
      )
      if (position === 0) return undefined
      const verdict = { count, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) }
      return { budget: budgets[position - 1]!, verdict }
    } catch (error) {
      this.#outage(error)
      return undefined
    }
  }

  /** In one round trip: forgets the `forget` budgets' windows and takes one hit back from each `refund` one. */
  async giveBack({ forget = [], refund = [] }: { forget?: Budget[]; refund?: Budget[] }): Promise<void> {
    const keys = [...forget, ...refund].map(({ limit, subject }) => this.key(limit, subject))
    await this.#redis
      .rateLimitGiveBack(keys.length, ...keys, forget.length)
      .catch((error: unknown) => this.#outage(error))
  }

  /** Counts a hit and throws 429 with `Retry-After` once the budget is spent. */
  async enforce(limit: RateLimit, subject: string, message?: string): Promise<void> {
    const spent = await this.spend([{ limit, subject }])
    if (spent) throw rateLimitedError(spent.verdict, message)
  }

  #outage(error: unknown): void {
    const now = Date.now()
    if (now - this.#lastOutageLog < OUTAGE_LOG_EVERY_MS) return
    this.#lastOutageLog = now
    this.#logger.error({ err: error }, 'rate limits not enforced: Redis is not answering')
  }
}

/** 429 with the registry's message (or a more precise one) and `Retry-After`. */
export function rateLimitedError(verdict: RateLimitVerdict, message?: string): AppError {
  return new AppError('RATE_LIMITED', {
    message,
    headers: { 'retry-after': String(verdict.retryAfterSeconds) },
  })
}

/**
 * The connection a service's limits use. Commands give up quickly and are not retried, so a Redis that is away
 * costs a request at most half a second before the limit fails open; the client reconnects by itself.
 */
export function connectRateLimitRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS })
  // Without a listener ioredis reports every failed reconnect as an unhandled error; the limiter logs outages.
  redis.on('error', () => undefined)
  return redis
}

/**
 * The limiter as an app dependency: closed with the app, and deliberately without a readiness check, since an
 * instance whose limits fail open can still serve (DESIGN: a rate limiter must not take sign-in down).
 */
export function rateLimiterDependency(redis: Redis) {
  return dependency('rate-limits', { close: () => redis.quit().catch(() => redis.disconnect()) })
}
