import {
  AccessTokenSigner,
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
import { docsRoutes } from './docs.routes.js'
import { userRoutes } from './users/user.routes.js'

export interface AppDependencies extends ServiceDependencies<Database> {
  config: Config
  /** The rate limits' connection (connectRateLimitRedis); the app closes it. */
  redis: Redis
  logger?: ServiceOptions['logger']
}

/** The auth service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const app = await buildServiceApp('auth', deps)
  await app.register(rateLimiterDependency(deps.redis))
  const limits = new RateLimiter({
    redis: deps.redis,
    prefix: deps.config.RATE_LIMIT_PREFIX,
    logger: app.log,
  })
  const ctx = {
    db: deps.db,
    config: deps.config,
    signer: new AccessTokenSigner(deps.keys),
    limits,
    revocations: app.revocations,
  }
  await app.register(userRoutes, { prefix: '/api/users', ctx })
  await docsRoutes(app)
  return app
}
