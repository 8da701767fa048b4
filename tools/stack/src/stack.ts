import { mkdirSync, writeFileSync } from 'node:fs'
import { readFile, readlink } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadJwtKeys, serviceNames, services, webParts, type ServiceName } from '@ticketing/common'
import { buildClient, buildTypeScript, nextBin } from './build.js'
import { ManagedProcess } from './managed-process.js'
import type { StackOutput } from './output.js'
import { canListen, freePort, isPortOpen } from './ports.js'
import { SetupError, type NatsUsers } from './infrastructure.js'

/** The services, from the table of parts in @ticketing/common, in the order they start. */
export const SERVICES = serviceNames
export type Part = ServiceName | keyof typeof webParts

/** The ports `npm start` uses, from the same table; the gateway's is PORT. */
export const DEFAULT_PORTS = {
  ...Object.fromEntries(serviceNames.map((name) => [name, services[name].port])),
  gateway: webParts.gateway.port,
  client: webParts.client.port,
} as Record<Part, number>

/**
 * Where a service serves its metrics (METRICS_PORT): on the default ports (npm start) 9461 to 9465 in the order
 * of the services, so `curl localhost:9463/metrics` is orders'; a free port when the stack runs elsewhere (tests).
 */
async function metricsPort(service: ServiceName, ports: Record<Part, number>): Promise<number> {
  return ports[service] === DEFAULT_PORTS[service] ? 9461 + SERVICES.indexOf(service) : freePort()
}

export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url))

export interface StackOptions {
  output: StackOutput
  postgresUrl: string
  natsUrl: string
  /** The private NATS's users (Infrastructure.natsUsers): each service connects as its own. */
  natsUsers?: NatsUsers
  redisUrl: string
  /**
   * `built`: compile, then run what was compiled (npm start). `source`: run the services' TypeScript through
   * tsx (tests). The client is built with `next build` in both.
   */
  mode: 'built' | 'source'
  /** Keys, pids; private servers' data is placed here by findOrStartInfrastructure. Default `<repo>/.data`. */
  dataDir?: string
  /** Prefix of every subject and stream (EVENTS_NAMESPACE). */
  namespace?: string
  /** Prefix of expiration's keys in Redis (QUEUE_PREFIX); default the namespace. */
  queuePrefix?: string
  /** Prefix of the rate limits' keys in Redis (RATE_LIMIT_PREFIX, auth and orders); default as queuePrefix. */
  rateLimitPrefix?: string
  /** The database of each service on the PostgreSQL server; default the one in the table of services. */
  databaseName?: (service: ServiceName) => string
  ports?: Partial<Record<Part, number>>
  /** Whether to build and run the Next.js client (the gateway sends everything else to it). */
  client?: boolean
  /** Variables for every process: ORDER_HOLD_SECONDS, ADMIN_EMAILS, PAYMENT_GATEWAY, LOG_LEVEL... */
  env?: Record<string, string | undefined>
  /** Variables for one part only, over `env` (the fault suite skews one service's clock, say). */
  partEnv?: Partial<Record<Part, Record<string, string | undefined>>>
  /** Start a process that died again. On for npm start; tests that kill one turn it off or wait for it. */
  restart?: boolean
  /** Aborts a start in progress (Ctrl-C while building, say); what was started is stopped. */
  signal?: AbortSignal
}

export interface Stack {
  /** The gateway: the site and its API. */
  url: string
  ports: Record<Part, number>
  /** Where each service serves its metrics (METRICS_PORT). */
  metricsPorts: Record<ServiceName, number>
  processes: ReadonlyMap<Part, ManagedProcess>
  /** Resolves once the part answers its readiness check again (after a restart, say). */
  waitUntilReady(part: Part, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

const READY_TIMEOUT_MS = 120_000

/**
 * Runs the five services, the client and the gateway as child processes against the given servers, and
 * resolves once every one reports ready. Nothing here installs or starts servers: see infrastructure.ts.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const root = repositoryRoot
  const dataDir = options.dataDir ?? path.join(root, '.data')
  const { output } = options
  const withClient = options.client ?? true
  const ports = { ...DEFAULT_PORTS, ...options.ports }
  // The gateway's first: PORT is the one most likely to clash with something else on a developer's machine.
  const parts: Part[] = ['gateway', ...SERVICES, ...(withClient ? (['client'] as const) : [])]
  const restart = options.restart ?? true
  const namespace = options.namespace ?? 'ticketing'
  const databaseName = options.databaseName ?? ((service: ServiceName) => services[service].database)

  await stopLeftovers(dataDir, namespace, output)
  for (const part of parts) {
    if (!(await canListen(ports[part]))) {
      const hint =
        part === 'gateway' ? 'set PORT to a free port' : `stop what is using it (\`lsof -i :${ports[part]}\`)`
      throw new SetupError(`Port ${ports[part]}, for ${part}, is taken: ${hint}.`)
    }
  }

  if (options.mode === 'built') {
    await buildTypeScript(root, 'packages/common', output)
    // Two at a time: tsc uses one core, and this machine may have only two.
    const workspaces = [...SERVICES.map((name) => `services/${name}`), 'apps/gateway']
    const builder = async () => {
      for (let workspace = workspaces.shift(); workspace; workspace = workspaces.shift()) {
        options.signal?.throwIfAborted()
        await buildTypeScript(root, workspace, output, ['packages/common'])
      }
    }
    await Promise.all([builder(), builder()])
  }
  // Whatever the mode, `next start` serves a production build.
  options.signal?.throwIfAborted()
  if (withClient) await buildClient(root, output)
  options.signal?.throwIfAborted()

  // Every service verifies tokens with auth's public key; make the development pair before any of them
  // starts, so that five processes starting at once never race to create it.
  const keyFile = path.join(dataDir, 'keys', 'jwt-dev.json')
  await loadJwtKeys({ developmentKeyFile: keyFile, forSigning: true })

  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    ...options.env,
    HOST: '127.0.0.1',
    NATS_URL: options.natsUrl,
    EVENTS_NAMESPACE: namespace,
    JWT_DEV_KEY_FILE: keyFile,
    PUBLIC_URL: options.env?.PUBLIC_URL ?? `http://localhost:${ports.gateway}`,
    ALLOWED_ORIGINS: [gatewayUrl, options.env?.ALLOWED_ORIGINS].filter(Boolean).join(','),
  }
  /** The service's own database on the server; none for a service without one (expiration). */
  const databaseUrl = (service: ServiceName) => {
    const name = services[service].database && databaseName(service)
    if (!name) return undefined
    const url = new URL(options.postgresUrl)
    url.pathname = `/${name}`
    return url.toString()
  }
  const node = (workspace: string) =>
    options.mode === 'built'
      ? [path.join(root, workspace, 'dist/main.js')]
      : ['--conditions=@ticketing/source', '--import', 'tsx', path.join(root, workspace, 'src/main.ts')]

  const processes = new Map<Part, ManagedProcess>()
  const launch = (part: Part, args: string[], cwd: string, partEnv: NodeJS.ProcessEnv) => {
    const env = { ...partEnv, ...options.partEnv?.[part] }
    const recordPids = () => writePids(dataDir, namespace, [...processes.values()])
    const child = new ManagedProcess(
      {
        name: part,
        command: process.execPath,
        args,
        cwd,
        env,
        restart,
        onStart: recordPids,
      },
      output,
    )
    processes.set(part, child)
    child.start()
  }
  const stop = async () => {
    // The gateway and client first (no new requests), then the services, each finishing what it has in flight.
    const order: Part[][] = [['gateway', 'client'], [...SERVICES]]
    for (const group of order) {
      await Promise.all(group.map((part) => processes.get(part)?.stop() ?? Promise.resolve()))
    }
    writePids(dataDir, namespace, [])
  }

  const waitUntilReady = async (part: Part, timeoutMs = READY_TIMEOUT_MS) => {
    const child = processes.get(part)
    if (!child) throw new Error(`${part} is not part of this stack`)
    const deaths = child.deaths
    const deadline = Date.now() + timeoutMs
    const check = part === 'gateway' ? '/healthz' : '/readyz'
    for (;;) {
      options.signal?.throwIfAborted()
      if (child.deaths > deaths && !restart) {
        throw new Error(
          `${part} exited before it was ready; its last lines:\n${child.lastLines().join('\n')}`,
        )
      }
      // The client has no readiness route: listening is ready.
      const ready =
        part === 'client'
          ? await isPortOpen(ports.client)
          : await fetch(`http://127.0.0.1:${ports[part]}${check}`).then(
              (response) => response.ok,
              () => false,
            )
      if (ready) return
      if (Date.now() > deadline) {
        throw new Error(
          `${part} was not ready within ${timeoutMs / 1000} s; its last lines:\n${child.lastLines().join('\n')}`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
  }

  const metricsPorts = {} as Record<ServiceName, number>
  for (const service of SERVICES) metricsPorts[service] = await metricsPort(service, ports)

  try {
    for (const service of SERVICES) {
      launch(service, node(`services/${service}`), path.join(root, 'services', service), {
        ...shared,
        PORT: String(ports[service]),
        METRICS_PORT: String(metricsPorts[service]),
        DATABASE_URL: databaseUrl(service),
        REDIS_URL: options.redisUrl,
        QUEUE_PREFIX: options.queuePrefix ?? namespace,
        RATE_LIMIT_PREFIX: options.rateLimitPrefix ?? options.queuePrefix ?? namespace,
        ...(options.natsUsers && {
          NATS_USER: options.natsUsers[service]?.user,
          NATS_PASSWORD: options.natsUsers[service]?.password,
        }),
      })
    }
    await Promise.all(SERVICES.map((service) => waitUntilReady(service)))

    if (withClient) {
      const port = String(ports.client)
      launch(
        'client',
        [nextBin(root), 'start', '-p', port, '-H', '127.0.0.1'],
        path.join(root, 'apps/client'),
        {
          ...shared,
          NODE_ENV: 'production',
          NEXT_TELEMETRY_DISABLED: '1',
          PORT: port,
          API_URL: gatewayUrl,
        },
      )
    }
    launch('gateway', node('apps/gateway'), path.join(root, 'apps/gateway'), {
      ...shared,
      HOST: options.env?.HOST ?? '0.0.0.0',
      PORT: String(ports.gateway),
      // AUTH_URL, TICKETS_URL …: every service with an API, where this stack runs it.
      ...Object.fromEntries(
        SERVICES.filter((service) => services[service].routes.length > 0).map((service) => [
          `${service.toUpperCase()}_URL`,
          `http://127.0.0.1:${ports[service]}`,
        ]),
      ),
      CLIENT_URL: `http://127.0.0.1:${ports.client}`,
    })
    await Promise.all(
      ['gateway' as const, ...(withClient ? (['client'] as const) : [])].map((part) => waitUntilReady(part)),
    )
  } catch (error) {
    await stop()
    throw error
  }

  return { url: gatewayUrl, ports, metricsPorts, processes, waitUntilReady, stop }
}

/** The pids of a running stack, so that the next start can stop processes a killed launcher left behind. */
function pidFile(dataDir: string, namespace: string): string {
  return path.join(dataDir, 'run', `${namespace}.pids.json`)
}

function writePids(dataDir: string, namespace: string, processes: ManagedProcess[]): void {
  // Synchronous: restarts call it at any moment, and two writes at once must not interleave.
  const file = pidFile(dataDir, namespace)
  mkdirSync(path.dirname(file), { recursive: true })
  const pids = processes.map((child) => child.pid).filter((pid) => pid !== undefined)
  writeFileSync(file, `${JSON.stringify(pids)}\n`)
}

async function stopLeftovers(dataDir: string, namespace: string, output: StackOutput): Promise<void> {
  const pids = await readFile(pidFile(dataDir, namespace), 'utf8').then(
    (text) => JSON.parse(text) as number[],
    () => [],
  )
  for (const pid of pids) {
    // Only a process still working in this repository: the pid may have been reused since. (Its working
    // folder, not its command line, which Next.js rewrites to "next-server".)
    const folder = await readlink(`/proc/${pid}/cwd`).catch(() => '')
    if (!`${folder}/`.startsWith(repositoryRoot)) continue
    output.notice(`stopping process ${pid}, left running by an earlier start`, 'warn')
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      continue // already gone
    }
    for (let waited = 0; waited < 10_000; waited += 100) {
      if (
        !(await readFile(`/proc/${pid}/cmdline`).then(
          () => true,
          () => false,
        ))
      )
        break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}
