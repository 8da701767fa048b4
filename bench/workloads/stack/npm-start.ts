import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { connectBus, removeTopology, services, type ServiceName } from '@ticketing/common'
import { defaultMetricsPort, freePort, isPortOpen, repositoryRoot, SERVICES } from '@ticketing/stack'
import { infrastructure, randomId } from '@ticketing/testing'
import pg from 'pg'
import { Redis } from 'ioredis'
import { cpuSnapshot, type CpuSnapshot } from './cpu.js'

const READY_TIMEOUT_MS = 600_000

export interface RunningStack {
  /** The gateway, as a visitor's browser reaches it. */
  url: string
  namespace: string
  /** Each service's own database (a server URL with its name). */
  databaseUrls: Partial<Record<ServiceName, string>>
  /** Where the launcher's output goes (every process's lines). */
  logFile: string
  /** `npm start` and every process under it, with their resident and proportional memory. */
  memory(): Promise<ProcessMemory[]>
  /** CPU time so far by part: the stack's processes, the servers, this load generator. */
  cpu: () => Promise<CpuSnapshot>
  /** Statements each service has sent to its database so far (its pools' `db_statements_total`). */
  statements: () => Promise<Map<ServiceName, number>>
  stop(): Promise<void>
}

export interface ProcessMemory {
  pid: number
  command: string
  rssMb: number
  pssMb: number
}

/**
 * Runs `npm start` exactly as a user does (the launcher compiles, then runs the built services, the client
 * and the gateway), with a namespace of its own (EVENTS_NAMESPACE: databases, streams and Redis keys) so it
 * never touches a developer's stack, on the same servers as the baselines. It takes the services' default
 * ports: nothing else may be running on them.
 */
export async function npmStart(env: Record<string, string>): Promise<RunningStack> {
  for (const service of SERVICES) {
    if (await isPortOpen(services[service].port)) {
      throw new Error(
        `port ${services[service].port} (${service}) is taken: stop the other stack before this benchmark`,
      )
    }
  }
  const namespace = `bench${randomId(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`
  const port = await freePort()
  const logFile = path.join(os.tmpdir(), `ticketing-${namespace}.log`)
  const log = createWriteStream(logFile)
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      EVENTS_NAMESPACE: namespace,
      DATABASE_URL: infrastructure.postgresUrl,
      NATS_URL: infrastructure.natsUrl,
      REDIS_URL: infrastructure.redisUrl,
      SEED: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  child.stdout!.pipe(log)
  child.stderr!.pipe(log)
  const exited = once(child, 'exit')

  const databaseUrls = Object.fromEntries(
    SERVICES.filter((service) => services[service].database).map((service) => {
      const url = new URL(infrastructure.postgresUrl)
      url.pathname = `/${services[service].database!.replace(/^ticketing_/, `${namespace}_`)}`
      return [service, url.toString()]
    }),
  ) as Partial<Record<ServiceName, string>>

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Ctrl-C: the launcher stops the services, then the servers it started (none here).
      process.kill(-child.pid!, 'SIGINT')
      await exited
    }
    log.end()
    await removeEverything(namespace, databaseUrls)
  }

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`npm start exited with ${child.exitCode}; see ${logFile}`)
    }
    const text = await readFile(logFile, 'utf8').catch(() => '')
    if (text.includes('Ticketing is running at')) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`npm start was not ready within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }

  return {
    url,
    namespace,
    databaseUrls,
    logFile,
    memory: () => treeMemory(child.pid!),
    cpu: () => cpuSnapshot(child.pid!),
    statements: statementsSent,
    stop,
  }
}

/**
 * Statements sent so far by each service with a database, from its /metrics: unlike CPU time, a count that
 * does not drift with the machine's speed.
 */
async function statementsSent(): Promise<Map<ServiceName, number>> {
  const sent = new Map<ServiceName, number>()
  for (const service of SERVICES) {
    const text = await fetch(`http://127.0.0.1:${defaultMetricsPort(service)}/metrics`).then((response) =>
      response.text(),
    )
    const samples = text.split('\n').filter((line) => line.startsWith('db_statements_total{'))
    if (samples.length > 0) {
      sent.set(
        service,
        samples.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0),
      )
    }
  }
  return sent
}

/** Every process in the tree under `root`, root included, with its memory from /proc. */
async function treeMemory(root: number): Promise<ProcessMemory[]> {
  const parents = new Map<number, number>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    // The command name may hold spaces and parentheses: the fields after its last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields.length > 2) parents.set(Number(entry), Number(fields[1]))
  }
  const tree = [root]
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid)
  }
  const memories: ProcessMemory[] = []
  for (const pid of tree) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '')
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0)
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))
      .split('\0')
      .filter(Boolean)
      .map((part) => part.replace(repositoryRoot, ''))
      .join(' ')
    if (!rollup) continue // gone meanwhile
    memories.push({ pid, command, rssMb: field('Rss') / 1024, pssMb: field('Pss') / 1024 })
  }
  return memories
}

/** The namespace's databases, streams and Redis keys, as if the benchmark had never run. */
async function removeEverything(
  namespace: string,
  databaseUrls: Partial<Record<ServiceName, string>>,
): Promise<void> {
  const admin = new pg.Client({ connectionString: infrastructure.postgresUrl })
  await admin.connect()
  try {
    for (const url of Object.values(databaseUrls)) {
      const name = new URL(url).pathname.slice(1)
      await admin.query(`drop database if exists "${name}" with (force)`)
    }
  } finally {
    await admin.end()
  }
  const bus = await connectBus({ url: infrastructure.natsUrl, namespace, service: 'auth' })
  await removeTopology(bus).catch(() => undefined)
  await bus.close()
  const redis = new Redis(infrastructure.redisUrl)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 1000)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
