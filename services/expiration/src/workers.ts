import { EventListeners, type Bus, type ServiceInstance } from '@ticketing/common'
import type { Redis } from 'ioredis'
import type { Config } from './config.js'
import { onOrderClosed, onOrderCreated } from './events/order-lifecycle.listener.js'
import { ExpireOrderQueue } from './jobs/expire-order.queue.js'
import { startExpireOrderWorker } from './jobs/expire-order.worker.js'

/**
 * What runs beside the health routes: the queue the listeners arm timers on, the worker that fires them and
 * the listeners. Each is added to the app's dependencies, so closing the app stops them in reverse order:
 * listeners first (no new timers), then the worker (after its running jobs), then the queue.
 */
export function startWorkers(app: ServiceInstance, deps: { config: Config; bus: Bus; redis: Redis }) {
  const prefix = deps.config.QUEUE_PREFIX
  const queue = new ExpireOrderQueue({ redis: deps.redis, prefix, logger: app.log })
  const worker = startExpireOrderWorker({ redis: deps.redis, prefix, bus: deps.bus, logger: app.log })
  const listeners = new EventListeners({ bus: deps.bus, logger: app.log })
    .on('order.created', onOrderCreated(queue))
    .on('order.cancelled', onOrderClosed(queue))
    .on('order.completed', onOrderClosed(queue))

  listeners.start()
  app.dependencies.add('expire-order-queue', { close: () => queue.close() })
  app.dependencies.add('expire-order-worker', { close: () => worker.close() })
  app.dependencies.add('listeners', { close: () => listeners.stop() })
  return { queue, worker, listeners }
}
