import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadJwtKeys, serviceNames, services, webParts, type ServiceName } from '@ticketing/common/setup'
import { readConfig as readGatewayConfig } from '@ticketing/gateway/config'
import { findNginx, prepareNginx } from '@ticketing/gateway/nginx'
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
 * Where an instance of a service serves its metrics (METRICS_PORT): on the default ports (npm start) 9461 to 9465
 * in the order of the services for the first instance, so `curl localhost:9463/metrics` is orders', and 10 more
 * for each next one (orders-2: 9473); a free port when the stack runs elsewhere (tests).
 */
/** Where an instance of a service serves /metrics when it runs on its default port, as under `npm start`. */
export function defaultMetricsPort(service: ServiceName, instance = 0): number {
  return 9461 + SERVICES.indexOf(service) + 10 * instance
}

async function metricsPort(
  service: ServiceName,
  instance: number,
  ports: Record<Part, number>,
): Promise<number> {
  return ports[service] === DEFAULT_PORTS[service] ? defaultMetricsPort(service, instance) : freePort()
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
  /**
   * How many instances of every service to run (REPLICAS, default 1). The gateway balances across them.
   * Instance 1 listens on the service's port; instance i+1 on `instancePorts[service][i]`, by default that
   * port plus 100·i (tickets: 4002, 4102, 4202…).
   */
  replicas?: number
  instancePorts?: Partial<Record<ServiceName, number[]>>
  /** Whether to build and run the Next.js client (the gateway sends everything else to it). */
  client?: boolean
  /** Variables for every process: ORDER_HOLD_SECONDS, ADMIN_EMAILS, PAYMENT_GATEWAY, LOG_LEVEL... */
  env?: Record<string, string | undefined>
  /** Variables for one part only, over `env` (the fault suite skews one service's clock, say). */
  partEnv?: Partial<Record<Part, Record<string, string | undefined>>>
  /**
   * Which gateway to run (GATEWAY): `nginx`, the proxy the Kubernetes ingress runs, configured by
   * apps/gateway/src/nginx.ts (decision 20), or `node`, apps/gateway's Fastify proxy. Default: nginx when it is
   * installed and TRUST_PROXY is not set (which only the Node gateway reads), else node.
   */
  gateway?: 'nginx' | 'node'
  /** Start a process that died again. On for npm start; tests that kill one turn it off or wait for it. */
  restart?: boolean
  /** Aborts a start in progress (Ctrl-C while building, say); what was started is stopped. */
  signal?: AbortSignal
}

export interface Stack {
  /** The gateway: the site and its API. */
  url: string
  /** Which gateway runs (StackOptions.gateway). */
  gateway: 'nginx' | 'node'
  ports: Record<Part, number>
  /** Where each instance of each service serves its metrics (METRICS_PORT), in the order of `instances`. */
  metricsPorts: Record<ServiceName, number[]>
  /** Each part's process; for a service, its first instance. */
  processes: ReadonlyMap<Part, ManagedProcess>
  /** Every instance of each service, the first one first; one each unless `replicas` was given. */
  instances: ReadonlyMap<ServiceName, readonly ManagedProcess[]>
  /** The port of each instance of each service, in the same order. */
  instancePorts: Record<ServiceName, number[]>
  /** Resolves once the part answers its readiness check again (after a restart, say). */
  waitUntilReady(part: Part, timeoutMs?: number): Promise<void>
  /** Resolves once that instance (0-based) of the service answers its readiness check. */
  waitUntilInstanceReady(service: ServiceName, instance: number, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

const READY_TIMEOUT_MS = 120_000

/**
 * For `npm start`'s built processes:
 * - glibc's malloc with two arenas, not eight per core: argon2's and the threadpool's allocations otherwise
 *   stay spread over arenas that are never given back. (A 4 MB semi-space for V8's young generation saved
 *   about 25 MB a service, but tickets then spent 115 µs of CPU on a read by id instead of 56 to 71, its read
 *   cache's entries promoted early and swept often: Node's default stays.)
 * - libuv's threadpool as large as the machine's cores, not 4: auth's argon2id runs there, and four hashes at
 *   once on two cores fought for them and their caches (8 in flight: 180 verifications a second, 10.8 ms of
 *   CPU each, against 216 and 8.9 ms with two threads). libuv reads it before any of our code runs, so it
 *   must come from the environment.
 */
export const BUILT_ENV = {
  MALLOC_ARENA_MAX: '2',
  UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? String(availableParallelism()),
}

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
  const replicas = options.replicas ?? 1
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 9) {
    throw new SetupError(`REPLICAS must be a whole number from 1 to 9, not "${String(options.replicas)}"`)
  }
  const instancePorts = Object.fromEntries(
    SERVICES.map((service) => [
      service,
      Array.from({ length: replicas }, (_, i) =>
        i === 0 ? ports[service] : (options.instancePorts?.[service]?.[i - 1] ?? ports[service] + 100 * i),
      ),
    ]),
  ) as Record<ServiceName, number[]>

  await stopLeftovers(dataDir, namespace, output)
  const wanted: [string, number][] = parts.flatMap((part) =>
    part in instancePorts
      ? instancePorts[part as ServiceName].map((port, i): [string, number] => [instanceName(part, i), port])
      : [[part, ports[part]] as [string, number]],
  )
  for (const [part, port] of wanted) {
    if (!(await canListen(port))) {
      const hint =
        part === 'gateway' ? 'set PORT to a free port' : `stop what is using it (\`lsof -i :${port}\`)`
      throw new SetupError(`Port ${port}, for ${part}, is taken: ${hint}.`)
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
  // CPU_PROFILE=orders,tickets: those services write a V8 CPU profile to .data/profiles when they stop.
  const profiled = new Set((process.env.CPU_PROFILE ?? '').split(',').filter(Boolean))
  const profile = (workspace: string) =>
    profiled.has(path.basename(workspace))
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dataDir, 'profiles')}`]
      : []
  const node = (workspace: string) =>
    options.mode === 'built'
      ? [...profile(workspace), path.join(root, workspace, 'dist/main.js')]
      : ['--conditions=@ticketing/source', '--import', 'tsx', path.join(root, workspace, 'src/main.ts')]

  const nginxInstalled = findNginx() !== undefined
  const gateway = options.gateway ?? (nginxInstalled && !shared.TRUST_PROXY ? 'nginx' : 'node')
  if (gateway === 'nginx' && !nginxInstalled) {
    throw new SetupError('GATEWAY=nginx, but nginx is not installed (Debian: apt-get install nginx-light)')
  }
  output.notice(
    gateway === 'nginx'
      ? 'gateway: nginx'
      : `gateway: the Node proxy (${nginxInstalled ? 'GATEWAY=node or TRUST_PROXY' : 'install nginx-light for nginx, as the ingress runs'})`,
  )
  let nginxDir: string | undefined
  const processes = new Map<Part, ManagedProcess>()
  const instances = new Map<ServiceName, ManagedProcess[]>()
  const everyProcess = () => [
    ...[...processes.entries()]
      .filter(([part]) => !instances.has(part as ServiceName))
      .map(([, child]) => child),
    ...[...instances.values()].flat(),
  ]
  const launch = (
    part: Part,
    args: string[],
    cwd: string,
    partEnv: NodeJS.ProcessEnv,
    instance = 0,
    command = process.execPath,
  ) => {
    const env = { ...partEnv, ...options.partEnv?.[part] }
    const recordPids = () => writePids(dataDir, namespace, everyProcess())
    const child = new ManagedProcess(
      {
        name: instanceName(part, instance),
        command,
        args,
        cwd,
        env,
        restart,
        onStart: recordPids,
      },
      output,
    )
    if (instance === 0) processes.set(part, child)
    if (part in instancePorts) {
      const list = instances.get(part as ServiceName) ?? []
      list[instance] = child
      instances.set(part as ServiceName, list)
    }
    child.start()
  }
  const stop = async () => {
    // The gateway and client first (no new requests), then the services, each finishing what it has in flight.
    const order: ManagedProcess[][] = [
      (['gateway', 'client'] as const).flatMap((part) => processes.get(part) ?? []),
      [...instances.values()].flat(),
    ]
    for (const group of order) await Promise.all(group.map((child) => child.stop()))
    writePids(dataDir, namespace, [])
    if (nginxDir) await rm(nginxDir, { recursive: true, force: true })
  }

  const waitUntilReady = (part: Part, timeoutMs = READY_TIMEOUT_MS) =>
    part in instancePorts
      ? waitUntilInstanceReady(part as ServiceName, 0, timeoutMs)
      : waitForProcess(part, processes.get(part), ports[part], timeoutMs)
  const waitUntilInstanceReady = (service: ServiceName, instance: number, timeoutMs = READY_TIMEOUT_MS) =>
    waitForProcess(
      instanceName(service, instance),
      instances.get(service)?.[instance],
      instancePorts[service][instance]!,
      timeoutMs,
    )
  const waitForProcess = async (
    part: string,
    child: ManagedProcess | undefined,
    port: number,
    timeoutMs: number,
  ) => {
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
          : await fetch(`http://127.0.0.1:${port}${check}`).then(
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

  const metricsPorts = {} as Record<ServiceName, number[]>
  for (const service of SERVICES) {
    metricsPorts[service] = []
    for (const instance of instancePorts[service].keys())
      metricsPorts[service].push(await metricsPort(service, instance, ports))
  }

  try {
    for (const service of SERVICES) {
      instancePorts[service].forEach((port, instance) =>
        launch(
          service,
          node(`services/${service}`),
          path.join(root, 'services', service),
          {
            ...shared,
            ...(options.mode === 'built' && BUILT_ENV),
            PORT: String(port),
            METRICS_PORT: String(metricsPorts[service][instance]),
            DATABASE_URL: databaseUrl(service),
            REDIS_URL: options.redisUrl,
            QUEUE_PREFIX: options.queuePrefix ?? namespace,
            RATE_LIMIT_PREFIX: options.rateLimitPrefix ?? options.queuePrefix ?? namespace,
            ...(options.natsUsers && {
              NATS_USER: options.natsUsers[service]?.user,
              NATS_PASSWORD: options.natsUsers[service]?.password,
            }),
          },
          instance,
        ),
      )
    }
    await Promise.all(
      SERVICES.flatMap((service) =>
        instancePorts[service].map((_, instance) => waitUntilInstanceReady(service, instance)),
      ),
    )

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
          ...(options.mode === 'built' && BUILT_ENV),
          PORT: port,
          API_URL: gatewayUrl,
        },
      )
    }
    const gatewayEnv = {
      ...shared,
      HOST: options.env?.HOST ?? '0.0.0.0',
      PORT: String(ports.gateway),
      // AUTH_URL, TICKETS_URL …: every service with an API, where this stack runs it (each instance).
      ...Object.fromEntries(
        SERVICES.filter((service) => services[service].routes.length > 0).map((service) => [
          `${service.toUpperCase()}_URL`,
          instancePorts[service].map((port) => `http://127.0.0.1:${port}`).join(','),
        ]),
      ),
      CLIENT_URL: `http://127.0.0.1:${ports.client}`,
      ...options.partEnv?.gateway,
    }
    const gatewayCwd = path.join(root, 'apps/gateway')
    if (gateway === 'nginx') {
      nginxDir = await mkdtemp(path.join(tmpdir(), `${namespace}-gateway-`))
      const { command, args } = await prepareNginx(readGatewayConfig(gatewayEnv), {
        runtimeDir: nginxDir,
        host: gatewayEnv.HOST,
      })
      launch('gateway', args, gatewayCwd, gatewayEnv, 0, command)
    } else {
      launch('gateway', node('apps/gateway'), gatewayCwd, gatewayEnv)
    }
    await Promise.all(
      ['gateway' as const, ...(withClient ? (['client'] as const) : [])].map((part) => waitUntilReady(part)),
    )
  } catch (error) {
    await stop()
    throw error
  }

  return {
    url: gatewayUrl,
    gateway,
    ports,
    metricsPorts,
    processes,
    instances,
    instancePorts,
    waitUntilReady,
    waitUntilInstanceReady,
    stop,
  }
}

/** How an instance is named in the output: `tickets`, then `tickets-2`, `tickets-3`… */
function instanceName(part: string, instance: number): string {
  return instance === 0 ? part : `${part}-${instance + 1}`
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
