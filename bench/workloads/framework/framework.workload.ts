import { fileURLToPath } from 'node:url'
import { startChildServer } from '../../src/child-process.js'
import { httpLoad, type HttpLoadResult } from '../../src/http-load.js'
import type { Measurement, Workload } from '../../src/workload.js'

const PATH = '/tickets/9b2f8d4e-6a53-4c3e-9a8e-2f1d0c7b6a51'

const ROUNDS = 3

async function measureOnce(script: string, seconds: number): Promise<HttpLoadResult> {
  const server = await startChildServer(fileURLToPath(new URL(script, import.meta.url)))
  try {
    return await httpLoad(`${server.url}${PATH}`, { seconds })
  } finally {
    await server.stop()
  }
}

/**
 * Both sides in alternating rounds, keeping each side's best: on a 2-core machine whose load generator
 * shares the CPU, a single round is mostly noise.
 */
async function measureBoth(seconds: number) {
  const rounds = { baseline: [] as HttpLoadResult[], kit: [] as HttpLoadResult[] }
  for (let round = 0; round < ROUNDS; round++) {
    rounds.baseline.push(await measureOnce('./node-http-server.ts', seconds))
    rounds.kit.push(await measureOnce('./kit-server.ts', seconds))
  }
  const best = (results: HttpLoadResult[]) => ({
    requestsPerSecond: Math.max(...results.map((result) => result.requestsPerSecond)),
    latencyP99Ms: Math.min(...results.map((result) => result.latencyP99Ms)),
  })
  return { baseline: best(rounds.baseline), kit: best(rounds.kit) }
}

/** What our HTTP kit costs: a validated, logged route of the kit next to a bare node:http server. */
export const frameworkWorkload: Workload = {
  name: 'framework',
  description:
    'GET with a validated path param, logged: service kit (Fastify) vs bare node:http, best of 3 rounds',
  async run({ seconds }) {
    const { baseline, kit } = await measureBoth(seconds)
    const baselineName = 'node:http'
    return [
      {
        metric: 'requests/s',
        unit: 'req/s',
        value: kit.requestsPerSecond,
        baseline: baseline.requestsPerSecond,
        baselineName,
        better: 'higher',
      },
      {
        metric: 'latency p99',
        unit: 'ms',
        value: kit.latencyP99Ms,
        baseline: baseline.latencyP99Ms,
        baselineName,
        better: 'lower',
      },
    ] satisfies Measurement[]
  },
}
