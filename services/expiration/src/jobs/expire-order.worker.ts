import { Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { crashAt, newEvent, publishEvent, type Bus, type EventLogger } from '@ticketing/common'
import { expirationEventId } from './expiration-event-id.js'
import { EXPIRE_ORDER_QUEUE, type ExpireOrderJob } from './expire-order.queue.js'

export interface ExpireOrderWorkerOptions {
  redis: Redis
  prefix: string
  bus: Bus
  logger: EventLogger
}

/**
 * Runs the timers that come due: publishes expiration.completed straight to JetStream (expiration has no
 * database, hence no outbox). A failed publish fails the job, and BullMQ retries it with backoff. close()
 * waits for the jobs that are running.
 */
export function startExpireOrderWorker(options: ExpireOrderWorkerOptions): Worker<ExpireOrderJob> {
  const { bus, logger } = options
  const worker = new Worker<ExpireOrderJob>(
    EXPIRE_ORDER_QUEUE,
    async (job: Job<ExpireOrderJob>) => {
      const { orderId } = job.data
      const event = newEvent('expiration.completed', { orderId }, '/expiration', {
        id: expirationEventId(orderId),
      })
      await publishEvent(bus, event)
      crashAt('expiration.after-publish')
      logger.info({ orderId, eventId: event.id }, 'expiration: order expired')
    },
    { connection: options.redis, prefix: options.prefix, concurrency: 16 },
  )
  worker.on('failed', (job, error) =>
    logger.error(
      { err: error, orderId: job?.data.orderId, attempts: job?.attemptsMade },
      'expiration: job failed',
    ),
  )
  // Without a listener an 'error' event would crash the process; BullMQ reconnects by itself.
  worker.on('error', (error) => logger.error({ err: error }, 'expiration: worker error'))
  return worker
}
