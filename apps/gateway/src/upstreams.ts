import type { FastifyRequest } from 'fastify'

/** How long an instance that refused or reset a connection is passed over. */
export const DOWN_MS = 2_000
/**
 * No retry is started once the request has been in the gateway this long: a retry only follows a failure that
 * came at once (refused, reset, 503), so this bounds a request that would otherwise walk a long list.
 */
export const RETRY_DEADLINE_MS = 10_000

/**
 * The instances of one service, taken in turn (round robin). One that refused or reset a connection is passed
 * over for DOWN_MS, unless every instance not yet tried is down, when the next is tried anyway: a list that
 * is all down is as likely stale as right. No leader, no health polling: what a request finds is what counts.
 */
export class Upstreams {
  private next = 0
  private readonly downUntil = new Map<string, number>()

  constructor(
    readonly urls: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    if (urls.length === 0) throw new Error('a route needs at least one upstream')
  }

  /** The next instance to try, never one in `tried`; undefined when every one has been tried. */
  pick(tried: ReadonlySet<string> = new Set()): string | undefined {
    const untried = this.inTurn().filter((url) => !tried.has(url))
    const chosen = untried.find((url) => !this.isDown(url)) ?? untried[0]
    if (chosen !== undefined) this.next = (this.urls.indexOf(chosen) + 1) % this.urls.length
    return chosen
  }

  markDown(url: string): void {
    this.downUntil.set(url, this.now() + DOWN_MS)
  }

  isDown(url: string): boolean {
    return (this.downUntil.get(url) ?? 0) > this.now()
  }

  private inTurn(): string[] {
    return [...this.urls.slice(this.next), ...this.urls.slice(0, this.next)]
  }
}

/**
 * Whether the request may be sent twice with no second effect: GET and HEAD (and OPTIONS), and any request
 * carrying an Idempotency-Key, which the services honour by answering a repeat with the first answer.
 */
export function isIdempotent(request: Pick<FastifyRequest, 'method' | 'headers'>): boolean {
  return ['GET', 'HEAD', 'OPTIONS'].includes(request.method) || Boolean(request.headers['idempotency-key'])
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])
const RESET = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED'])

/**
 * What a proxying error says about the instance: `refused` — the connection was never made, so the request
 * cannot have reached it (any request may go elsewhere); `reset` — the connection closed before any answer,
 * so the request may or may not have been handled (only an idempotent one may go elsewhere); undefined —
 * something else (a timeout, a bad answer), which is not retried.
 */
export function unreachable(error: unknown): 'refused' | 'reset' | undefined {
  const codes: string[] = []
  for (
    let cause = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    cause && depth < 5;
    depth++
  ) {
    if (typeof cause.code === 'string') codes.push(cause.code)
    cause = cause.cause as typeof cause
  }
  if (codes.some((code) => REFUSED.has(code))) return 'refused'
  if (codes.some((code) => RESET.has(code))) return 'reset'
  return undefined
}
