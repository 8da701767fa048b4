import { EventListeners, startWorker, type Bus, type ServiceInstance } from '@ticketing/common'
import type { Redis } from 'ioredis'
import type { Config } from './config.js'
import { onOrderCancelled } from './events/order-cancelled.listener.js'
import { onOrderCompleted } from './events/order-completed.listener.js'
import { onOrderCreated } from './events/order-created.listener.js'
import { ExpireOrderQueue } from './jobs/expire-order.queue.js'
import { startExpireOrderWorker } from './jobs/expire-order.worker.js'

/**
 * What runs beside the health routes: the queue the listeners arm timers on, the worker that fires them and
 * the listeners. main.ts, the tests and the integration harness all start them here. Closing the app stops
 * them in reverse order: listeners first (no new timers), then the worker (after its running jobs), then the
 * queue.
 */
export function startWorkers(app: ServiceInstance, deps: { config: Config; bus: Bus; redis: Redis }) {
  const prefix = deps.config.QUEUE_PREFIX
  const queue = new ExpireOrderQueue({ redis: deps.redis, prefix, logger: app.log })
  app.dependencies.add('expire-order-queue', { close: () => queue.close() })
  const worker = startExpireOrderWorker({ redis: deps.redis, prefix, bus: deps.bus, logger: app.log })
  app.dependencies.add('expire-order-worker', { close: () => worker.close() })
  const listeners = new EventListeners({ bus: deps.bus, logger: app.log })
    .on('order.created', onOrderCreated(queue))
    .on('order.cancelled', onOrderCancelled(queue))
    .on('order.completed', onOrderCompleted(queue))
  return { queue, worker, listeners: startWorker(app, 'listeners', listeners) }
}
