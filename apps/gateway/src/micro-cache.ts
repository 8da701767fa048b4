import type { IncomingHttpHeaders } from 'node:http'
import { Readable, Transform } from 'node:stream'

/**
 * The cookies of a browser with a session: `session` (the access token), `refresh` (sent to /api/users only,
 * listed for completeness) and `signed_in` (the client's hint that this browser had a session, whose pages
 * must reach the client so that it can renew the session). A request with any of them is never cached.
 */
const SESSION_COOKIES = ['session', 'refresh', 'signed_in']

/** Headers of a stored answer that belong to one exchange, not to the page. */
const PER_EXCHANGE = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'set-cookie',
  'transfer-encoding',
  'x-cache',
  'x-request-id',
])

/** An answer's headers, as Fastify's reply holds them. */
export type AnswerHeaders = Record<string, string | number | string[] | undefined>

interface Entry {
  storedAt: number
  headers: AnswerHeaders
  body: Buffer
}

export interface MicroCacheOptions {
  /** Served as is for this long after it was rendered. */
  freshMs?: number
  /** Served, while one request renders it again, until this long after it was rendered. */
  staleMs?: number
  maxEntries?: number
  maxBodyBytes?: number
  now?: () => number
}

/** What the cache says about one request: answer it from memory, or send it on (and perhaps keep the answer). */
export type Lookup =
  | { state: 'HIT' | 'STALE'; headers: AnswerHeaders; body: Buffer }
  | { state: 'MISS'; render: Render }
  | { state: 'BYPASS' }

/** The one request rendering a page again: its answer is offered to the cache, then it is done. */
export interface Render {
  /** Wraps the upstream's answer body, keeping a copy when the answer may be stored. */
  keep(status: number, headers: AnswerHeaders, body: unknown): unknown
  /** Ends the render whatever became of it (an error, a client gone): the next request may render. */
  done(): void
}

/**
 * A micro-cache for anonymous page views (decision 18): the home page and the other server-rendered pages are
 * the same for every visitor without a session, and rendering one costs the client far more than serving it
 * from memory. A page is kept for `freshMs` (1 s); until `staleMs` (2 s) it is still served while one request renders it
 * again; requests for a page being rendered wait for that render instead of starting their own. A browser
 * with a session is never served from here (its own changes show at once), nor is any request but a plain
 * GET of a page, nor is any answer kept that sets a cookie, is not a 200 HTML page, or is large.
 */
export class MicroCache {
  readonly #entries = new Map<string, Entry>()
  /** Pages being rendered, each by one request; resolves with whether its answer was kept. */
  readonly #rendering = new Map<string, Promise<boolean>>()
  readonly #freshMs: number
  readonly #staleMs: number
  readonly #maxEntries: number
  readonly #maxBodyBytes: number
  readonly #now: () => number

  constructor(options: MicroCacheOptions = {}) {
    this.#freshMs = options.freshMs ?? 1_000
    this.#staleMs = options.staleMs ?? 2_000
    this.#maxEntries = options.maxEntries ?? 500
    this.#maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
    this.#now = options.now ?? Date.now
  }

  async lookup(method: string, url: string, headers: IncomingHttpHeaders): Promise<Lookup> {
    if (!cacheable(method, headers)) return { state: 'BYPASS' }
    const key = `${String(headers.host)} ${url} ${String(headers['accept-encoding'] ?? '')}`
    for (;;) {
      const entry = this.#entries.get(key)
      const age = entry ? this.#now() - entry.storedAt : Infinity
      if (entry && age < this.#freshMs) return { state: 'HIT', headers: entry.headers, body: entry.body }
      const rendering = this.#rendering.get(key)
      if (entry && age < this.#staleMs && rendering) {
        return { state: 'STALE', headers: entry.headers, body: entry.body }
      }
      if (!rendering) return { state: 'MISS', render: this.#render(key) }
      // Rendered by another request right now, and nothing to serve meanwhile: its answer is this one's, or,
      // if that answer could not be kept (an error, a cookie set), this request goes on its own way.
      if (!(await rendering)) return { state: 'BYPASS' }
    }
  }

  #render(key: string): Render {
    let finish!: (kept: boolean) => void
    this.#rendering.set(key, new Promise<boolean>((resolve) => (finish = resolve)))
    let ended = false
    let kept = false
    const done = () => {
      if (ended) return
      ended = true
      this.#rendering.delete(key)
      finish(kept)
    }
    const keep = (status: number, headers: AnswerHeaders, body: unknown): unknown => {
      if (!storable(status, headers)) return body
      const store = (bytes: Buffer) => {
        if (bytes.length > this.#maxBodyBytes) return
        this.#entries.delete(key)
        if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!)
        this.#entries.set(key, { storedAt: this.#now(), headers: pageHeaders(headers), body: bytes })
        kept = true
      }
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        store(Buffer.from(body))
        done()
        return body
      }
      if (!(body instanceof Readable)) return body
      // The answer streams to the visitor as it comes; a copy is kept and stored once it is whole.
      const chunks: Buffer[] = []
      let bytes = 0
      // A Transform, not a 'data' listener: the copy must not start flowing before Fastify pipes it on.
      const copy = new Transform({
        transform: (chunk: Buffer, _encoding, next) => {
          bytes += chunk.length
          if (bytes <= this.#maxBodyBytes) chunks.push(chunk)
          next(null, chunk)
        },
      })
      copy.once('end', () => {
        store(Buffer.concat(chunks))
        done()
      })
      copy.once('close', done)
      body.once('error', (error) => copy.destroy(error))
      return body.pipe(copy)
    }
    return { keep, done }
  }
}

/** Whether a request may be answered from the cache: a plain page view by a browser without a session. */
function cacheable(method: string, headers: IncomingHttpHeaders): boolean {
  if (method !== 'GET' || headers.authorization) return false
  // Next's client-side navigations and server actions ask the same URL for other payloads.
  if (headers.rsc || headers['next-action'] || headers['next-router-state-tree']) return false
  const cookies = headers.cookie
  if (!cookies) return true
  return !cookies.split(';').some((pair) => SESSION_COOKIES.includes(pair.split('=')[0]!.trim()))
}

/**
 * Whether an answer may be kept for other visitors: a whole 200 HTML page that sets no cookie. Next marks
 * every dynamic page `Cache-Control: private, no-store`, meant for browsers and shared caches that keep pages
 * for minutes; this cache keeps one for a second or two and only for visitors without a session, so it does
 * not follow that header (and passes it on to the browser unchanged).
 */
function storable(status: number, headers: AnswerHeaders): boolean {
  return (
    status === 200 &&
    headers['set-cookie'] === undefined &&
    String(headers['content-type'] ?? '').startsWith('text/html')
  )
}

function pageHeaders(headers: AnswerHeaders): AnswerHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_EXCHANGE.has(name.toLowerCase())))
}
