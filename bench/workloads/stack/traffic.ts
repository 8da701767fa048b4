import http from 'node:http'
import autocannon from 'autocannon'
import { percentile } from '../../src/stats.js'
import { cpuPerRequest, type CpuSnapshot } from './cpu.js'

/** What a load answered, status by status, and how fast. */
export interface LoadResult {
  perSecond: number
  latencyP50Ms: number
  latencyP99Ms: number
  statuses: Record<string, number>
  /** Connection errors and timeouts: requests that got no answer at all. */
  unanswered: number
  /** Microseconds of CPU per answered request, by part (with `cpu`). */
  cpuMicrosPerRequest?: Record<string, number>
}

export interface LoadOptions {
  connections: number
  /** Seconds of load; or `amount`, a number of requests. */
  seconds?: number
  amount?: number
  /** Requests per second across every connection (half the maximum, say); default as fast as it goes. */
  overallRate?: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** The path and body of each request, called once per request sent. */
  next?: () => { path: string; body?: string; headers?: Record<string, string> }
  /** An uncounted second of the same requests first (JIT, pools, caches), as a visitor's site would be. */
  warmUp?: boolean
  /** Where the CPU goes: snapshots taken just before and just after the counted requests. */
  cpu?: () => Promise<CpuSnapshot>
}

/** Drives the gateway with autocannon, one connection per simulated client, all kept alive. */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  const request = () => ({
    method: options.method ?? 'GET',
    setupRequest(request: autocannon.Request) {
      if (!options.next) return request
      const { path, body, headers } = options.next()
      request.path = path
      if (body !== undefined) request.body = body
      request.headers = { ...request.headers, ...options.headers, ...headers }
      return request
    },
  })
  const base = {
    url,
    connections: options.connections,
    headers: options.headers,
    requests: [request()],
  }
  if (options.warmUp) await autocannon({ ...base, duration: 1 })
  const cpuBefore = await options.cpu?.()
  const started = performance.now()
  const result = await autocannon({
    ...base,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
    ...(options.overallRate !== undefined && { overallRate: options.overallRate }),
  })
  const seconds = (performance.now() - started) / 1000
  const cpuAfter = await options.cpu?.()
  const answered = result.requests.total
  return {
    ...(cpuBefore && cpuAfter && { cpuMicrosPerRequest: cpuPerRequest(cpuBefore, cpuAfter, answered) }),
    perSecond: options.amount !== undefined ? result.requests.total / seconds : result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats?.count ?? 0]),
    ),
    unanswered: result.errors + result.timeouts,
  }
}

/** Throws unless every request was answered with `status` (a benchmark of failures measures nothing). */
export function expectAll(what: string, result: LoadResult, status: number): void {
  const total = Object.values(result.statuses).reduce((sum, count) => sum + count, 0)
  if (result.unanswered > 0 || (total > 0 && result.statuses[status] !== total)) {
    throw new Error(
      `${what}: expected every answer ${status}, got ${JSON.stringify(result.statuses)} and ` +
        `${result.unanswered} unanswered`,
    )
  }
}

/** One request on a connection of its own (no keep-alive), resolving with its status once fully answered. */
export function sendOnNewConnection(
  url: string,
  options: { method: string; headers?: http.OutgoingHttpHeaders; body?: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { agent: false, method: options.method, headers: { ...options.headers, connection: 'close' } },
      (response) => {
        response.resume()
        response.once('end', () => resolve(response.statusCode!))
        response.once('error', reject)
      },
    )
    request.once('error', reject)
    request.end(options.body)
  })
}

/** p50 and p99 of latency samples, in milliseconds. */
export function summarise(samples: readonly number[]) {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) }
}
