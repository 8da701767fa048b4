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

export interface RateLimitVerdict {
  allowed: boolean
  /** Hits in the current window, this one included (0 when Redis did not answer). */
  count: number
  /** Until the window ends: what `Retry-After` says. */
  retryAfterSeconds: number
}

/**
 * One atomic step, so parallel requests can never both see "one left": count the hit, start the window on the
 * first one (a key without an expiry, left by a refund racing the window's end, gets one too).
 */
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`

/** Gives a hit back (a sign-in that succeeded is no failure); never leaves a counter at zero or below. */
const REFUND = `
local count = redis.call('DECR', KEYS[1])
if count <= 0 then redis.call('DEL', KEYS[1]) end
return count`

/** How long a command may take before the limiter gives up on Redis for this request. */
const COMMAND_TIMEOUT_MS = 500
const OUTAGE_LOG_EVERY_MS = 30_000

type ScriptedRedis = Redis & {
  rateLimitHit(key: string, windowMs: number): Promise<[number, number]>
  rateLimitRefund(key: string): Promise<number>
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
    this.#redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT })
    this.#redis.defineCommand('rateLimitRefund', { numberOfKeys: 1, lua: REFUND })
  }

  key(limit: RateLimit, subject: string): string {
    return `${this.#prefix}:rate:${limit.name}:${subject}`
  }

  async hit(limit: RateLimit, subject: string): Promise<RateLimitVerdict> {
    try {
      const [count, ttlMs] = await this.#redis.rateLimitHit(
        this.key(limit, subject),
        limit.windowSeconds * 1000,
      )
      return { allowed: count <= limit.max, count, retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) }
    } catch (error) {
      this.#outage(error)
      return { allowed: true, count: 0, retryAfterSeconds: 0 }
    }
  }

  /** Takes back one hit of the subject's current window. */
  async refund(limit: RateLimit, subject: string): Promise<void> {
    await this.#redis.rateLimitRefund(this.key(limit, subject)).catch((error: unknown) => this.#outage(error))
  }

  /** Forgets the subject's window altogether. */
  async reset(limit: RateLimit, subject: string): Promise<void> {
    await this.#redis.del(this.key(limit, subject)).catch((error: unknown) => this.#outage(error))
  }

  /** Counts a hit and throws 429 with `Retry-After` once the budget is spent. */
  async enforce(limit: RateLimit, subject: string, message?: string): Promise<void> {
    const verdict = await this.hit(limit, subject)
    if (!verdict.allowed) throw rateLimitedError(verdict, message)
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
