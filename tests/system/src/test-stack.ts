import { readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { connectBus, removeTopology, services, type ServiceName } from '@ticketing/common'
import {
  ApiClient,
  buildClient,
  FileOutput,
  freePort,
  repositoryRoot,
  SERVICES,
  startStack,
  type Part,
  type Stack,
  type NatsUsers,
  type StackOptions,
} from '@ticketing/stack'
import { infrastructure, nameTestDatabase, testNamespace, testRedisPrefix } from '@ticketing/testing'

export interface TestStack extends Stack {
  namespace: string
  output: FileOutput
  /** Every process's output; printed by a failing test's report. */
  logFile: string
  /** A new visitor of the site: no cookies yet. */
  visitor(): ApiClient
  /** A visitor who signed up just now. */
  signUp(email?: string): Promise<ApiClient & { id: string; email: string }>
  /** The servers it runs on, and each service's database on that PostgreSQL (the fault suite reads them). */
  servers: TestServers
  databaseUrls: Partial<Record<ServiceName, string>>
  /** expiration's and the rate limits' key prefix in Redis (QUEUE_PREFIX, RATE_LIMIT_PREFIX). */
  queuePrefix: string
  /** Where keys and pids are kept, as `.data/` for npm start. */
  dataDir: string
  /** Stops every process and starts them again on the same data, as a second `npm start` would. */
  restart(): Promise<TestStack>
  /** Stops every process and deletes the databases, streams and Redis keys. */
  cleanup(): Promise<void>
}

let users = 0

/** The PostgreSQL, NATS and Redis a stack runs on: by default the shared ones of the test run. */
export interface TestServers {
  postgresUrl: string
  natsUrl: string
  redisUrl: string
}

/**
 * The whole marketplace as `npm start` runs it (each part its own process, the gateway in front), on free
 * ports, with databases, an events namespace and Redis keys of this run's own. Services run from source.
 */
export async function startTestStack(
  options: {
    client?: boolean
    env?: Record<string, string>
    restart?: boolean
    /** Private servers (the fault suite's, which it stops and empties); their databases die with them. */
    servers?: TestServers
    partEnv?: StackOptions['partEnv']
    /** A NATS of the test's own whose users the services connect as (the launcher's private one). */
    nats?: { url: string; users?: NatsUsers }
    /** The events namespace; by default one of this run's own. */
    namespace?: string
  } = {},
): Promise<TestStack> {
  const namespace = options.namespace ?? testNamespace()
  const redis = testRedisPrefix()
  const servers: TestServers = options.servers ?? {
    postgresUrl: infrastructure.postgresUrl,
    natsUrl: options.nats?.url ?? infrastructure.natsUrl,
    redisUrl: infrastructure.redisUrl,
  }
  // A database of this run's own for each service that has one in the table of services.
  const databases = Object.fromEntries(
    SERVICES.filter((service) => services[service].database).map((service) => [
      service,
      nameTestDatabase(service),
    ]),
  ) as Partial<Record<ServiceName, ReturnType<typeof nameTestDatabase>>>
  const dataDir = path.join(os.tmpdir(), `ticketing-${namespace}`)
  const logFile = path.join(dataDir, 'stack.log')
  const output = new FileOutput(logFile)
  // The client's build first (minutes on a fresh clone): ports chosen before it could be taken meanwhile by
  // another test's stack, and this stack's gateway would then talk to that one's services.
  if (options.client) await buildClient(repositoryRoot, output)
  const parts: Part[] = [...SERVICES, 'gateway', 'client']
  const ports: Partial<Record<Part, number>> = {}
  for (const part of parts) ports[part] = await freePort()

  const databaseUrls = Object.fromEntries(
    Object.entries(databases).map(([service, database]) => {
      const url = new URL(servers.postgresUrl)
      url.pathname = `/${database.name}`
      return [service, url.toString()]
    }),
  ) as Partial<Record<ServiceName, string>>

  const cleanup = async () => {
    // Private servers are removed whole by their owner.
    if (!options.servers) {
      await Promise.all(Object.values(databases).map((database) => database?.drop()))
      await redis.clear()
      const bus = await connectBus({ url: infrastructure.natsUrl, namespace, service: 'auth' })
      await removeTopology(bus).catch(() => undefined)
      await bus.close()
    }
    await output.close()
    await rm(dataDir, { recursive: true, force: true })
  }

  const launch = async (): Promise<TestStack> => {
    let stack: Stack
    try {
      stack = await startStack({
        output,
        mode: 'source',
        dataDir,
        namespace,
        queuePrefix: redis.prefix,
        rateLimitPrefix: redis.prefix,
        databaseName: (service) => databases[service]!.name,
        ...servers,
        natsUsers: options.nats?.users,
        ports,
        partEnv: options.partEnv,
        client: options.client ?? false,
        restart: options.restart ?? true,
        env: { LOG_LEVEL: 'info', ...options.env },
      })
    } catch (error) {
      const log = await readFile(logFile, 'utf8').catch(() => '')
      await cleanup()
      const tail = log.trimEnd().split('\n').slice(-60).join('\n')
      throw new Error(`the stack did not start; the end of its log:\n${tail}`, { cause: error })
    }

    const visitor = () => new ApiClient(stack.url)
    return {
      ...stack,
      namespace,
      servers,
      databaseUrls,
      queuePrefix: redis.prefix,
      dataDir,
      output,
      logFile,
      visitor,
      async signUp(email = `user${++users}-${namespace}@example.com`) {
        const client = visitor()
        const response = await client.post<{ id: string; email: string }>('/api/users/signup', {
          email,
          password: 'correct horse battery staple',
        })
        if (response.status !== 201) throw new Error(`sign-up answered ${response.status}`)
        return Object.assign(client, response.body)
      },
      async restart() {
        await stack.stop()
        return launch()
      },
      async cleanup() {
        await stack.stop()
        await cleanup()
      },
    }
  }
  return launch()
}

/** Polls until the check returns a value other than undefined, or fails with the last thing it saw. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
