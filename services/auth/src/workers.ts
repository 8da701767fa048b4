import { OutboxRelay, startWorker, workersDatabase, type Bus, type ServiceInstance } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { SessionJanitor } from './sessions/session-janitor.js'

/**
 * What runs beside the HTTP routes: the outbox relay (auth listens to nothing) and the janitor of old
 * sessions. main.ts and the tests start them here; closing the app stops them first.
 */
export function startWorkers(
  app: ServiceInstance,
  deps: { config: Config; db: Kysely<Database>; workersDb?: Kysely<Database>; bus: Bus },
) {
  const db = workersDatabase(deps)
  const janitor = new SessionJanitor(db, app.log)
  return {
    relay: startWorker(app, 'outbox-relay', new OutboxRelay({ db, bus: deps.bus, logger: app.log })),
    janitor: startWorker(app, 'session-janitor', janitor),
  }
}
