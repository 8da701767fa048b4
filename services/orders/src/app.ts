import {
  buildServiceApp,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceOptions,
} from '@ticketing/common'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { orderRoutes } from './orders/order.routes.js'

export interface AppDependencies extends ServiceDependencies<Database> {
  config: Config
  logger?: ServiceOptions['logger']
}

/** The orders service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const app = await buildServiceApp('orders', deps)
  await app.register(orderRoutes, { prefix: '/api/orders', ctx: { db: deps.db, config: deps.config } })
  return app
}
