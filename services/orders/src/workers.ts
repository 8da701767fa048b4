import { EventListeners, OutboxRelay, type Bus, type ServiceInstance } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import {
  onExpirationCompleted,
  onPaymentCreated,
  onReservationRefused,
} from './events/order-outcomes.listener.js'
import { onTicketChanged } from './events/ticket-updated.listener.js'
import { OrderSweeper } from './orders/order-sweeper.js'

/**
 * What runs beside the HTTP routes: the outbox relay, the event listeners and the sweeper. Each is added to
 * the app's dependencies, so closing the app stops them first (they were registered last).
 */
export function startWorkers(app: ServiceInstance, deps: { config: Config; db: Kysely<Database>; bus: Bus }) {
  const relay = new OutboxRelay({
    db: deps.db,
    bus: deps.bus,
    logger: app.log,
  })
  const listeners = new EventListeners({ bus: deps.bus, db: deps.db, logger: app.log })
    .on('ticket.created', onTicketChanged)
    .on('ticket.updated', onTicketChanged)
    .on('ticket.reservation-refused', onReservationRefused)
    .on('expiration.completed', onExpirationCompleted)
    .on('payment.created', onPaymentCreated)
  const sweeper = new OrderSweeper({ db: deps.db, config: deps.config }, app.log)

  relay.start()
  listeners.start()
  sweeper.start()
  app.dependencies.add('outbox-relay', { close: () => relay.stop() })
  app.dependencies.add('listeners', { close: () => listeners.stop() })
  app.dependencies.add('sweeper', { close: () => sweeper.stop() })
  return { relay, listeners, sweeper }
}
