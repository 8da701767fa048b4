import { OutboxRelay, startWorker, type Bus, type ServiceInstance } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { SessionJanitor } from './sessions/session-janitor.js'

/**
 * What runs beside the HTTP routes: the outbox relay (auth listens to nothing) and the janitor of old
 * sessions. main.ts and the tests start them here; closing the app stops them first.
 */
export function startWorkers(app: ServiceInstance, deps: { config: Config; db: Kysely<Database>; bus: Bus }) {
  const janitor = new SessionJanitor(deps.db, app.log)
  return {
    relay: startWorker(app, 'outbox-relay', new OutboxRelay({ db: deps.db, bus: deps.bus, logger: app.log })),
    janitor: startWorker(app, 'session-janitor', janitor),
  }
}
