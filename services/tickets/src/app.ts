import {
  allowedOrigins,
  authentication,
  busDependency,
  buildService,
  databaseDependency,
  type Bus,
  type JwtKeys,
  type ServiceInstance,
  type ServiceOptions,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { ticketRoutes } from './tickets/ticket.routes.js'

export interface AppDependencies {
  config: Config
  db: Kysely<Database>
  bus: Bus
  /** Public keys only: tickets verifies access tokens, it never signs one. */
  keys: JwtKeys
  logger?: ServiceOptions['logger']
}

/** The tickets service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const { config } = deps
  const app = buildService({
    name: 'tickets',
    logger: deps.logger ?? { level: config.LOG_LEVEL },
    trustProxy: 'loopback,linklocal,uniquelocal',
    allowedOrigins: allowedOrigins(config),
  })
  await app.register(databaseDependency(deps.db as Kysely<unknown>))
  await app.register(busDependency(deps.bus))
  await app.register(authentication, { keys: deps.keys, bus: deps.bus, logger: app.log })
  await app.register(ticketRoutes, { prefix: '/api/tickets', ctx: { db: deps.db, config } })
  return app
}
