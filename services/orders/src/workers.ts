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
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import { onEventCancelled } from './events/event-cancelled.listener.js'
import { onEventCreated } from './events/event-created.listener.js'
import { onEventUpdated } from './events/event-updated.listener.js'
import { expirationCompletedListener } from './events/expiration-completed.listener.js'
import { onPaymentCreated } from './events/payment-created.listener.js'
import { onTicketCreated } from './events/ticket-created.listener.js'
import { onTicketReservationConfirmed } from './events/ticket-reservation-confirmed.listener.js'
import { onTicketReservationRefused } from './events/ticket-reservation-refused.listener.js'
import { onTicketUpdated } from './events/ticket-updated.listener.js'
import { orderSweeper } from './orders/order-sweeper.js'

/**
 * What runs beside the HTTP routes: the outbox relay, the listeners, the sweeper and the
 * statistics refresher. main.ts, the tests and
 * the integration harness all start them here; closing the app stops them first.
 */
export function startWorkers(
  app: ServiceInstance,
  deps: { config: Config; db: Kysely<Database>; workersDb?: Kysely<Database>; bus: Bus },
) {
  const db = workersDatabase(deps)
  const listeners = new EventListeners({ bus: deps.bus, db, logger: app.log })
    .on('event.created', onEventCreated)
    .on('event.updated', onEventUpdated)
    .on('event.cancelled', onEventCancelled)
    .on('ticket.created', onTicketCreated)
    .on('ticket.updated', onTicketUpdated)
    .on('ticket.reservation-confirmed', onTicketReservationConfirmed)
    .on('ticket.reservation-refused', onTicketReservationRefused)
    .on('expiration.completed', expirationCompletedListener(app.metrics))
    .on('payment.created', onPaymentCreated)
  return {
    relay: startWorker(app, 'outbox-relay', new OutboxRelay({ db, bus: deps.bus, logger: app.log })),
    listeners: startWorker(app, 'listeners', listeners),
    sweeper: startWorker(app, 'sweeper', orderSweeper({ ...deps, db, metrics: app.metrics }, app.log)),
    statistics: startWorker(
      app,
      'statistics',
      statisticsRefresher({ db, tables: ['orders', 'ticket_replicas'], logger: app.log }),
    ),
  }
}
