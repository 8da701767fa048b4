import {
  buildServiceApp,
  RateLimiter,
  rateLimiterDependency,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceOptions,
} from '@ticketing/common'
import type { Redis } from 'ioredis'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { orderRoutes } from './orders/order.routes.js'
import { ReservationGate } from './orders/reservation-gate.js'

export interface AppDependencies extends ServiceDependencies<Database> {
  config: Config
  /** The rate limits' connection (connectRateLimitRedis); the app closes it. */
  redis: Redis
  logger?: ServiceOptions['logger']
}

/** The orders service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const app = await buildServiceApp('orders', deps)
  await app.register(rateLimiterDependency(deps.redis))
  const limits = new RateLimiter({
    redis: deps.redis,
    prefix: deps.config.RATE_LIMIT_PREFIX,
    logger: app.log,
  })
  await app.register(orderRoutes, {
    prefix: '/api/orders',
    ctx: {
      db: deps.db,
      config: deps.config,
      limits,
      metrics: app.metrics,
      reservations: new ReservationGate(),
    },
  })
  return app
}
