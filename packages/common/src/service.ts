import type { Kysely } from 'kysely'
import { loadJwtKeys, type JwtKeys } from './auth/keys.js'
import { authentication } from './auth/authentication.js'
import { allowedOrigins } from './config/load-config.js'
import { createDb, statementsSent } from './db/create-db.js'
import { databaseDependency } from './db/database.dependency.js'
import { migrateToLatest } from './db/migrate.js'
import { busDependency, connectBus, type Bus } from './events/bus.js'
import { services, type ServiceName } from './services.js'
import { ensureTopology } from './events/topology.js'
import { buildService, type ServiceInstance, type ServiceOptions } from './http/build-service.js'
import { documentApi } from './http/openapi.js'
import type { ServiceMetrics } from './metrics.js'

/** The configuration every service with a database, the bus and authentication reads (see the env fragments). */
export interface ServiceConfig {
  NODE_ENV: 'development' | 'test' | 'production'
  LOG_LEVEL: string
  DATABASE_URL: string
  NATS_URL: string
  NATS_USER?: string
  NATS_PASSWORD?: string
  EVENTS_NAMESPACE: string
  EVENTS_REPLICAS: number
  JWT_PUBLIC_KEYS?: string
  JWT_DEV_KEY_FILE: string
  PUBLIC_URL: string
  ALLOWED_ORIGINS: string
}

export interface ServiceDependencies<DB> {
  /** The pool requests use. */
  db: Kysely<DB>
  /**
   * A small pool of the workers' own (listeners, outbox relay, sweepers), so that requests piling up in front
   * of `db` cannot hold back the events that keep other services' replicas current. Without it, workers use
   * `db`, as the in-process tests do.
   */
  workersDb?: Kysely<DB>
  bus: Bus
  keys: JwtKeys
}

/**
 * The workers' pool: two listener batches, the relay's batch, and one for a sweeper, the statistics refresher
 * or a metrics scrape. Sharing the request pool, a listener batch waited behind every queued request: with
 * reservations at 120 a second, orders' events took up to 1.9 s (p99) to apply (decision 27).
 */
const WORKERS_POOL_SIZE = 4

/** The pool a service's workers use: their own where main.ts opened one, else the request pool. */
export function workersDatabase<DB>(deps: Pick<ServiceDependencies<DB>, 'db' | 'workersDb'>): Kysely<DB> {
  return deps.workersDb ?? deps.db
}

/**
 * What every main.ts does before building its app: migrate its database, open the pools, connect to the bus
 * and make the namespace's streams and consumers exist, and load the keys to verify (or, for auth, sign)
 * access tokens with.
 */
export async function openServiceDependencies<DB>(options: {
  service: ServiceName
  config: ServiceConfig & { JWT_PRIVATE_KEY?: string }
  migrationsFolder: string
  poolSize?: number
  forSigning?: boolean
}): Promise<ServiceDependencies<DB>> {
  const { config, service } = options
  await migrateToLatest(config.DATABASE_URL, options.migrationsFolder)
  const db = createDb<DB>(config.DATABASE_URL, { applicationName: service, max: options.poolSize })
  const workersDb = createDb<DB>(config.DATABASE_URL, {
    applicationName: `${service}-workers`,
    max: WORKERS_POOL_SIZE,
  })
  const bus = await connectBus({
    url: config.NATS_URL,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    namespace: config.EVENTS_NAMESPACE,
    replicas: config.EVENTS_REPLICAS,
    service,
  })
  await ensureTopology(bus)
  const keys = await loadJwtKeys({
    privateKey: config.JWT_PRIVATE_KEY,
    publicKeys: config.JWT_PUBLIC_KEYS,
    developmentKeyFile: config.NODE_ENV === 'production' ? undefined : config.JWT_DEV_KEY_FILE,
    forSigning: options.forSigning,
  })
  return { db, workersDb, bus, keys }
}

/**
 * A service's app before its routes: the HTTP kit, its database and bus as dependencies (ready checks, closed
 * on shutdown), authentication with the revocation list, and its OpenAPI document at
 * `<its first API path>/openapi.json`. Behind the gateway or ingress, on a private network, so X-Forwarded-*
 * from there is believed.
 */
export async function buildServiceApp<DB>(
  name: ServiceName,
  deps: ServiceDependencies<DB> & { config: ServiceConfig; logger?: ServiceOptions['logger'] },
): Promise<ServiceInstance> {
  const app = buildService({
    name,
    logger: deps.logger ?? { level: deps.config.LOG_LEVEL },
    trustProxy: 'loopback,linklocal,uniquelocal',
    allowedOrigins: allowedOrigins(deps.config),
  })
  // Before the first route is registered, so that the document and its route list see every one.
  documentApi(app, { service: name, prefixes: services[name].routes })
  await app.register(databaseDependency(deps.db as Kysely<unknown>))
  // Registered before any worker starts, so it closes after the workers have stopped.
  if (deps.workersDb)
    await app.register(databaseDependency(deps.workersDb as Kysely<unknown>, 'workers-database'))
  await app.register(busDependency(deps.bus))
  await app.register(authentication, { keys: deps.keys, bus: deps.bus, logger: app.log })
  app.metrics.watchRevocations(() => app.revocations.size)
  app.metrics.watchStatements({
    requests: () => statementsSent(deps.db as Kysely<unknown>),
    ...(deps.workersDb && { workers: () => statementsSent(deps.workersDb as Kysely<unknown>) }),
  })
  return app
}

/** Background work a service runs beside its routes: the outbox relay, its listeners, a periodic job. */
export interface Worker {
  start(): void
  /** Resolves once the work in progress has finished. */
  stop(): Promise<void>
  /** Readiness, if the worker has a say in it: rejects while it cannot do its work (listeners without a consumer). */
  check?(): Promise<unknown>
  /**
   * Counts what it does into the app's metrics (handler outcomes, outbox rows published) and registers what it
   * can read at a scrape (the outbox backlog, its consumers' pending messages).
   */
  reportTo?(metrics: ServiceMetrics): void
}

/**
 * Starts a worker and stops it when the app closes. Workers are registered after the app's own dependencies,
 * so on close they stop first: listeners finish their handlers and the relay its batch while the bus and the
 * database are still open. A worker with a check takes part in `/readyz`, one with metrics counts into the
 * app's metrics (`app.metrics`, served on METRICS_PORT). Every service's workers.ts starts its background work through this.
 */
export function startWorker<W extends Worker>(app: ServiceInstance, name: string, worker: W): W {
  worker.reportTo?.(app.metrics)
  worker.start()
  app.dependencies.add(name, { close: () => worker.stop(), check: worker.check && (() => worker.check!()) })
  return worker
}
