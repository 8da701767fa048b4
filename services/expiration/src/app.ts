import {
  buildService,
  busDependency,
  type Bus,
  type ServiceInstance,
  type ServiceOptions,
} from '@ticketing/common'
import type { Redis } from 'ioredis'
import type { Config } from './config.js'
import { redisDependency } from './redis.js'

export interface AppDependencies {
  config: Config
  bus: Bus
  redis: Redis
  logger?: ServiceOptions['logger']
}

/**
 * The expiration service as a Fastify instance that never listens: main.ts listens, tests inject. It has no
 * API of its own, only the health routes, with the bus and Redis as its readiness.
 */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const app = buildService({ name: 'expiration', logger: deps.logger ?? { level: deps.config.LOG_LEVEL } })
  await app.register(busDependency(deps.bus))
  await app.register(redisDependency(deps.redis))
  return app
}
