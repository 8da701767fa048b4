import {
  EventListeners,
  OutboxRelay,
  startWorker,
  workersDatabase,
  type Bus,
  type ServiceInstance,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from './db/schema.js'
import { onEventCancelled } from './events/event-cancelled.listener.js'
import { onEventCreated } from './events/event-created.listener.js'
import { onEventUpdated } from './events/event-updated.listener.js'
import { onOrderCancelled } from './events/order-cancelled.listener.js'
import { onOrderCompleted } from './events/order-completed.listener.js'
import { onOrderCreated } from './events/order-created.listener.js'
import { onOrderPaymentRefused } from './events/order-payment-refused.listener.js'
import type { PaymentGateway } from './gateways/payment-gateway.js'
import type { Config } from './config.js'
import { paymentReconciler } from './payments/payment-reconciler.js'
import { payoutJob } from './payouts/payout.service.js'

/**
 * What runs beside the HTTP routes: the outbox relay, the listeners and the reconciler. main.ts, the tests and the
 * integration harness all start them here; closing the app stops them first.
 */
export function startWorkers(
  app: ServiceInstance,
  deps: {
    db: Kysely<Database>
    workersDb?: Kysely<Database>
    bus: Bus
    gateway: PaymentGateway
    config: Config
  },
) {
  const db = workersDatabase(deps)
  const listeners = new EventListeners({ bus: deps.bus, db, logger: app.log })
    .on('order.created', onOrderCreated)
    .on('order.cancelled', onOrderCancelled)
    .on('order.completed', onOrderCompleted)
    .on('order.payment-refused', onOrderPaymentRefused)
    .on('event.created', onEventCreated)
    .on('event.updated', onEventUpdated)
    .on('event.cancelled', onEventCancelled)
  return {
    relay: startWorker(app, 'outbox-relay', new OutboxRelay({ db, bus: deps.bus, logger: app.log })),
    listeners: startWorker(app, 'listeners', listeners),
    reconciler: startWorker(
      app,
      'reconciler',
      paymentReconciler({ ...deps, db, metrics: app.metrics }, app.log),
    ),
    payouts: startWorker(app, 'payouts', payoutJob({ ...deps, db }, app.log)),
  }
}
