import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { EventLogger } from '@ticketing/common'

export const EXPIRE_ORDER_QUEUE = 'expire-order'

export interface ExpireOrderJob {
  orderId: string
}

/** One job per order, found again by its id. BullMQ refuses ':' in custom ids (its key separator). */
export const expiryJobId = (orderId: string) => `order-${orderId}`

/**
 * The orders' timers: one delayed BullMQ job per order, kept in Redis, so a restarted service still fires
 * them. Both operations are idempotent, as listeners that may see an event twice need.
 */
export class ExpireOrderQueue {
  readonly #queue: Queue<ExpireOrderJob>

  constructor(options: { redis: Redis; prefix: string; logger: EventLogger }) {
    this.#queue = new Queue<ExpireOrderJob>(EXPIRE_ORDER_QUEUE, {
      connection: options.redis,
      prefix: options.prefix,
      defaultJobOptions: {
        // A publish that fails (NATS away) is retried for about half an hour, then kept among the failed
        // jobs; orders' sweeper cancels the order meanwhile, so the ticket is never held forever.
        attempts: 12,
        backoff: { type: 'exponential', delay: 1_000, jitter: 0.2 },
        // Kept a day after firing: while it exists, a redelivered order.created cannot arm the timer again.
        removeOnComplete: { age: 24 * 3_600 },
        removeOnFail: false,
      },
    })
    // Without a listener an 'error' event would crash the process; the connection reconnects by itself.
    this.#queue.on('error', (error) => options.logger.error({ err: error }, 'expiration: queue error'))
  }

  /** Arms the order's timer. A second call for the same order is ignored: BullMQ keeps the existing job. */
  async scheduleExpiry(orderId: string, expiresAt: string): Promise<void> {
    const delay = Math.max(0, Date.parse(expiresAt) - Date.now())
    await this.#queue.add('expire', { orderId }, { jobId: expiryJobId(orderId), delay })
  }

  /**
   * Disarms it. Nothing to do if it is gone or has fired; one running right now is left to finish, and
   * orders ignores an expiration for an order that is no longer open.
   */
  async cancelExpiry(orderId: string): Promise<void> {
    await this.#queue.remove(expiryJobId(orderId))
  }

  close(): Promise<void> {
    return this.#queue.close()
  }
}
