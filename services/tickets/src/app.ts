import {
  buildServiceApp,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceOptions,
} from '@ticketing/common'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { TicketCache } from './tickets/ticket-cache.js'
import { loadCredentialKeys } from './holdings/credentials.js'
import { holdingRoutes } from './holdings/holding.routes.js'
import { eventRoutes } from './catalogue/event.routes.js'
import { ticketRoutes } from './tickets/ticket.routes.js'

export interface AppDependencies extends ServiceDependencies<Database> {
  config: Config
  logger?: ServiceOptions['logger']
}

/** The tickets service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const app = await buildServiceApp('tickets', deps)
  const cache = new TicketCache({
    url: deps.config.DATABASE_URL,
    onError: (error) => app.log.warn({ err: error }, 'ticket cache: listening connection lost; not caching'),
  })
  await cache.start()
  // Not a readiness check: without its connection the cache serves nothing and every read goes to the database.
  app.dependencies.add('ticket-cache', { close: () => cache.close() })
  const credentialKeys = await loadCredentialKeys(deps.config)
  const ctx = { db: deps.db, config: deps.config, cache, credentialKeys }
  await app.register(ticketRoutes, { prefix: '/api/tickets', ctx })
  await app.register(holdingRoutes, { prefix: '/api/tickets', ctx })
  await app.register(eventRoutes, { prefix: '/api/events', ctx })
  return app
}
