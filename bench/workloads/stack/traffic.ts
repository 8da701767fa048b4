import http from 'node:http'
import net from 'node:net'
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

/**
 * Requests sent at an even pace, `rate` a second (the n-th at n / rate seconds), whatever the answers: a steady
 * crowd, as buyers arrive. autocannon's `overallRate` is not that: each connection sends its share of a
 * second at the second's start, so "150 a second" is 150 at once, then nothing until the next second.
 * At most `maxInFlight` are outstanding; one due while they all are waits for a free one (and counts late).
 */
export async function pacedLoad(
  url: string,
  options: {
    rate: number
    amount: number
    maxInFlight: number
    method: 'GET' | 'POST'
    headers?: Record<string, string>
    next: () => { path: string; body?: string; headers?: Record<string, string> }
  },
): Promise<LoadResult & { late: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxInFlight })
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let unanswered = 0
  let late = 0
  let inFlight = 0
  let freed: (() => void) | undefined
  const sends: Promise<void>[] = []
  const started = performance.now()
  for (let n = 0; n < options.amount; n++) {
    const due = started + (n * 1000) / options.rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    if (inFlight >= options.maxInFlight) {
      late++
      while (inFlight >= options.maxInFlight) await new Promise<void>((resolve) => (freed = resolve))
    }
    const { path, body, headers } = options.next()
    const sent = performance.now()
    inFlight++
    sends.push(
      send(new URL(path, url), {
        agent,
        method: options.method,
        headers: { ...options.headers, ...headers },
        body,
      })
        .then(
          (status) => {
            statuses[status] = (statuses[status] ?? 0) + 1
            latencies.push(performance.now() - sent)
          },
          () => void unanswered++,
        )
        .finally(() => {
          inFlight--
          freed?.()
        }),
    )
  }
  await Promise.all(sends)
  agent.destroy()
  const seconds = (performance.now() - started) / 1000
  return {
    perSecond: latencies.length / seconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    statuses,
    unanswered,
    late,
  }
}

function send(
  url: URL,
  options: { agent: http.Agent; method: string; headers: Record<string, string>; body?: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { agent: options.agent, method: options.method, headers: options.headers },
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

/**
 * One request on a connection of its own (no keep-alive), resolving with its status once fully answered: the
 * request written as prepared bytes on a raw socket, and only the status line read, as wrk or a browser's
 * network stack would, so that a thousand of them cost the load generator little of the CPU the stack needs.
 */
export function sendOnNewConnection(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): Promise<number> {
  const { hostname, port, pathname, search, host } = new URL(url)
  const body = Buffer.from(options.body ?? '')
  const head = [
    `${options.method} ${pathname}${search} HTTP/1.1`,
    `host: ${host}`,
    'connection: close',
    `content-length: ${body.length}`,
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n')
  const request = Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body])
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = net.connect(Number(port), hostname, () => socket.write(request))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.once('error', reject)
    // With `connection: close`, the server's end of the connection is the end of the answer.
    socket.once('end', () => {
      const statusLine = /^HTTP\/1\.[01] (\d{3}) /.exec(Buffer.concat(chunks).toString('latin1', 0, 16))
      if (statusLine) resolve(Number(statusLine[1]))
      else reject(new Error('the connection closed without an HTTP answer'))
    })
  })
}

/** p50 and p99 of latency samples, in milliseconds. */
export function summarise(samples: readonly number[]) {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: Math.max(...samples) }
}
