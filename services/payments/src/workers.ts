import { EventListeners, OutboxRelay, type Bus, type ServiceInstance } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from './db/schema.js'
import { onOrderCancelled, onOrderCompleted, onOrderCreated } from './events/order-replica.listener.js'
import { onPaymentRefused } from './events/payment-refused.listener.js'
import type { PaymentGateway } from './gateways/payment-gateway.js'

/**
 * What runs beside the HTTP routes: the outbox relay and the event listeners. Each is added to the app's
 * dependencies, so closing the app stops them first (they were registered last).
 */
export function startWorkers(
  app: ServiceInstance,
  deps: { db: Kysely<Database>; bus: Bus; gateway: PaymentGateway },
) {
  const relay = new OutboxRelay({ db: deps.db, bus: deps.bus, logger: app.log })
  const listeners = new EventListeners({ bus: deps.bus, db: deps.db, logger: app.log })
    .on('order.created', onOrderCreated)
    .on('order.cancelled', onOrderCancelled)
    .on('order.completed', onOrderCompleted)
    .on('order.payment-refused', onPaymentRefused(deps.gateway))

  relay.start()
  listeners.start()
  app.dependencies.add('outbox-relay', { close: () => relay.stop() })
  app.dependencies.add('listeners', { close: () => listeners.stop() })
  return { relay, listeners }
}
