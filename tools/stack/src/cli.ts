// `npm start`: the whole marketplace on this machine. See README.md, "Configuration".
import path from 'node:path'
import { services } from '@ticketing/common/setup'
import { findOrStartInfrastructure, SetupError, type Infrastructure } from './infrastructure.js'
import { privateNatsAuthorization } from './nats-users.js'
import { TerminalOutput } from './output.js'
import { DEMO_ADMIN_EMAIL, seedDemoMarketplace } from './seed.js'
import { DEFAULT_PORTS, repositoryRoot, startStack, type Stack } from './stack.js'

const output = new TerminalOutput()
const dataDir = path.join(repositoryRoot, '.data')
const env = process.env

function gatewayPort(): number {
  const value = env.PORT ?? String(DEFAULT_PORTS.gateway)
  const port = Number(value)
  if (!/^\d+$/.test(value) || port < 1 || port > 65535)
    throw new SetupError(`PORT must be a port number, not "${value}"`)
  return port
}

/**
 * EVENTS_NAMESPACE: a second stack beside the usual one on the same servers (the benchmark's): its own
 * subjects, streams and Redis keys, and databases named after it (`bench_tickets` for `bench`). Default
 * `ticketing`.
 */
function namespace(): string {
  const value = env.EVENTS_NAMESPACE ?? 'ticketing'
  if (!/^[a-z][a-z0-9]{0,30}$/.test(value))
    throw new SetupError(`EVENTS_NAMESPACE must be lower-case letters and digits, not "${value}"`)
  return value
}

/** REPLICAS: how many instances of every service (default 1). */
function replicas(): number {
  const value = env.REPLICAS ?? '1'
  if (!/^[1-9]$/.test(value))
    throw new SetupError(`REPLICAS must be a whole number from 1 to 9, not "${value}"`)
  return Number(value)
}

/** GATEWAY: `nginx` or `node`; unset, nginx when it is installed (see StackOptions.gateway). */
function gateway(): 'nginx' | 'node' | undefined {
  const value = env.GATEWAY
  if (value === undefined || value === '') return undefined
  if (value !== 'nginx' && value !== 'node')
    throw new SetupError(`GATEWAY must be nginx or node, not "${value}"`)
  return value
}

const aborting = new AbortController()
let infrastructure: Infrastructure | undefined
let stack: Stack | undefined
let stopping: Promise<void> | undefined

function stop(exitCode: number): Promise<void> {
  stopping ??= (async () => {
    aborting.abort()
    await stack?.stop()
    await infrastructure?.stop()
    output.notice('stopped')
    process.exit(exitCode)
  })()
  return stopping
}

/**
 * Ctrl-C reaches this process twice: from the terminal (it shares `npm start`'s process group) and from npm,
 * which passes it on. One press is one signal: a second within this long is the same press.
 */
const SAME_PRESS_MS = 1_000
let firstSignalAt = 0

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping && Date.now() - firstSignalAt < SAME_PRESS_MS) return
    if (stopping) {
      output.notice('stopping at once', 'warn')
      const every = new Set([
        ...(stack?.processes.values() ?? []),
        ...[...(stack?.instances.values() ?? [])].flat(),
      ])
      for (const child of every) child.signal('SIGKILL')
      process.exit(130)
    }
    firstSignalAt = Date.now()
    output.notice('stopping (Ctrl-C again to stop at once)')
    void stop(0)
  })
}

const seeding = env.SEED !== 'false'

try {
  const port = gatewayPort()
  infrastructure = await findOrStartInfrastructure({
    dataDir,
    output,
    natsAuthorization: privateNatsAuthorization(),
  })
  stack = await startStack({
    output,
    mode: 'built',
    dataDir,
    postgresUrl: infrastructure.postgresUrl,
    natsUrl: infrastructure.natsUrl,
    natsUsers: infrastructure.natsUsers,
    redisUrl: infrastructure.redisUrl,
    ports: { gateway: port },
    replicas: replicas(),
    gateway: gateway(),
    namespace: namespace(),
    databaseName: (service) => services[service].database!.replace(/^ticketing_/, `${namespace()}_`),
    signal: aborting.signal,
    // ORDER_HOLD_SECONDS, ADMIN_EMAILS, PAYMENT_GATEWAY, STRIPE_*, LOG_LEVEL reach every process as they are;
    // with the demo, its admin is one of ADMIN_EMAILS (it adds the demo events).
    ...(seeding && { env: { ADMIN_EMAILS: [env.ADMIN_EMAILS, DEMO_ADMIN_EMAIL].filter(Boolean).join(',') } }),
  })
  if (seeding) await seedDemoMarketplace(stack.url, dataDir, output)
  output.notice(`Ticketing is running at http://localhost:${port}  (Ctrl-C stops it)`)
} catch (error) {
  if (!aborting.signal.aborted) {
    output.notice(
      error instanceof SetupError ? error.message : String((error as Error).stack ?? error),
      'error',
    )
    await stop(1)
  }
}
