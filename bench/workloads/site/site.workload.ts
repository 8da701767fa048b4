import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { eventually, startTestStack } from '@ticketing/system-tests'
import { httpLoad } from '../../src/http-load.js'
import type { Measurement, Workload } from '../../src/workload.js'

const run = promisify(execFile)
/** A full first page of the home page (it shows 24). */
const LISTINGS = 30
const CONNECTIONS = 20

/** Resident memory of processes, in MB, as ps reports it. */
async function residentMb(pids: number[]): Promise<number> {
  const { stdout } = await run('ps', ['-o', 'rss=', '-p', pids.join(',')])
  const kilobytes = stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((value) => value > 0)
  return Math.round(kilobytes.reduce((sum, value) => sum + value, 0) / 1024)
}

/** The resident memory of `count` Node.js processes doing nothing: the floor under any set of services. */
async function idleNodeMb(count: number): Promise<number> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }),
  )
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const megabytes = await residentMb(children.map((child) => child.pid!))
  for (const child of children) child.kill()
  return megabytes
}

/**
 * The whole site as a visitor meets it: the server-rendered home page through the gateway (the client asks
 * the tickets API through the gateway again, and auth for the current user), against the API call it is
 * built on. And the memory of the whole stack, five services, client and gateway, after that load.
 */
export const siteWorkload: Workload = {
  name: 'site',
  description: 'server-rendered home page through the gateway, and the whole stack’s memory',
  async run({ seconds }) {
    const stack = await startTestStack({ client: true, env: { LOG_LEVEL: 'warn' } })
    try {
      const seller = await stack.signUp()
      for (let n = 1; n <= LISTINGS; n++) {
        await seller.post('/api/tickets', { title: `Bench concert ${n}`, price: 20 + n })
      }
      await eventually(async () => {
        const listed = await stack.visitor().get<unknown[]>('/api/tickets')
        return listed.body.length >= LISTINGS ? true : undefined
      })
      const page = await httpLoad(stack.url, { seconds, connections: CONNECTIONS })
      const api = await httpLoad(`${stack.url}/api/tickets?limit=24`, { seconds, connections: CONNECTIONS })
      const pids = [...stack.processes.values()].map((child) => child.pid).filter((pid) => pid !== undefined)
      const memory = await residentMb(pids)
      const floor = await idleNodeMb(pids.length)
      return [
        {
          metric: 'home page req/s (SSR via gateway)',
          unit: 'req/s',
          value: Math.round(page.requestsPerSecond),
          baseline: Math.round(api.requestsPerSecond),
          baselineName: 'GET /api/tickets?limit=24 via gateway',
          better: 'higher',
        },
        {
          metric: 'home page p99',
          unit: 'ms',
          value: page.latencyP99Ms,
          baseline: api.latencyP99Ms,
          baselineName: 'GET /api/tickets?limit=24 via gateway',
          better: 'lower',
        },
        {
          metric: `stack memory after load (${pids.length} processes)`,
          unit: 'MB',
          value: memory,
          baseline: floor,
          baselineName: `${pids.length} idle node processes`,
          better: 'lower',
        },
      ] satisfies Measurement[]
    } finally {
      await stack.cleanup()
    }
  },
}
