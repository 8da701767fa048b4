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
import { orderRoutes } from './orders/order.routes.js'

export interface AppDependencies {
  config: Config
  db: Kysely<Database>
  bus: Bus
  keys: JwtKeys
  logger?: ServiceOptions['logger']
}

/** The orders service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const { config } = deps
  const app = buildService({
    name: 'orders',
    logger: deps.logger ?? { level: config.LOG_LEVEL },
    trustProxy: 'loopback,linklocal,uniquelocal',
    allowedOrigins: allowedOrigins(config),
  })
  await app.register(databaseDependency(deps.db as Kysely<unknown>))
  await app.register(busDependency(deps.bus))
  await app.register(authentication, { keys: deps.keys, bus: deps.bus, logger: app.log })
  await app.register(orderRoutes, { prefix: '/api/orders', ctx: { db: deps.db, config } })
  return app
}
