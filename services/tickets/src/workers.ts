import {
  EventListeners,
  OutboxRelay,
  startWorker,
  workersDatabase,
  statisticsRefresher,
  type Bus,
  type ServiceInstance,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from './db/schema.js'
import { onOrderCancelled } from './events/order-cancelled.listener.js'
import { onOrderCompleted } from './events/order-completed.listener.js'
import { onOrderCreated } from './events/order-created.listener.js'
import { onUserCreated } from './events/user-created.listener.js'
import { onUserUpdated } from './events/user-updated.listener.js'

/**
 * What runs beside the HTTP routes: the outbox relay, the listeners (reservations and sales follow the
 * orders) and the statistics refresher. main.ts, the tests and the integration harness all start them here; closing the app stops them
 * first.
 */
export function startWorkers(
  app: ServiceInstance,
  deps: { db: Kysely<Database>; workersDb?: Kysely<Database>; bus: Bus },
) {
  const db = workersDatabase(deps)
  const listeners = new EventListeners({ bus: deps.bus, db, logger: app.log })
    .on('user.created', onUserCreated)
    .on('user.updated', onUserUpdated)
    .on('order.created', onOrderCreated)
    .on('order.cancelled', onOrderCancelled)
    .on('order.completed', onOrderCompleted)
  return {
    relay: startWorker(app, 'outbox-relay', new OutboxRelay({ db, bus: deps.bus, logger: app.log })),
    listeners: startWorker(app, 'listeners', listeners),
    statistics: startWorker(
      app,
      'statistics',
      statisticsRefresher({ db, tables: ['tickets'], logger: app.log }),
    ),
  }
}
