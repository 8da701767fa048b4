import rateLimit from '@fastify/rate-limit'
import {
  AccessTokenSigner,
  buildServiceApp,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceOptions,
} from '@ticketing/common'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { userRoutes } from './users/user.routes.js'

export interface AppDependencies extends ServiceDependencies<Database> {
  config: Config
  logger?: ServiceOptions['logger']
}

/** The auth service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const app = await buildServiceApp('auth', deps)
  await app.register(rateLimit, { global: false })
  const ctx = { db: deps.db, config: deps.config, signer: new AccessTokenSigner(deps.keys) }
  await app.register(userRoutes, { prefix: '/api/users', ctx })
  return app
}
