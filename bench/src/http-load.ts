import autocannon from 'autocannon'

export interface HttpLoadResult {
  requestsPerSecond: number
  latencyP50Ms: number
  latencyP99Ms: number
  errors: number
}

export interface HttpLoadOptions {
  seconds: number
  connections?: number
  pipelining?: number
  method?: 'GET' | 'POST'
  body?: string
  headers?: Record<string, string>
}

/** Drives a URL with autocannon after a short warm-up (JIT, pools) that is not counted. */
export async function httpLoad(url: string, options: HttpLoadOptions): Promise<HttpLoadResult> {
  const base = {
    url,
    connections: options.connections ?? 50,
    pipelining: options.pipelining ?? 1,
    method: options.method ?? 'GET',
    body: options.body,
    headers: options.headers,
  }
  await autocannon({ ...base, duration: 1 })
  const result = await autocannon({ ...base, duration: options.seconds })
  const failures = result.errors + result.timeouts + result.non2xx
  if (failures > result.requests.total / 100) {
    throw new Error(`${url}: ${failures} failed of ${result.requests.total} requests`)
  }
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: failures,
  }
}
