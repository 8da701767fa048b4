import type { EventHandler, EventTables } from '@ticketing/common'
import type { ExpireOrderQueue } from '../jobs/expire-order.queue.js'

/**
 * expiration has no database, so its handlers get no transaction and no processed_events: they are
 * idempotent through the job id instead (one job per order).
 */
type Handler<T extends 'order.created' | 'order.cancelled' | 'order.completed'> = EventHandler<T, EventTables>

/** A new order: arm its timer for when the hold runs out. */
export const onOrderCreated =
  (queue: ExpireOrderQueue): Handler<'order.created'> =>
  (event) =>
    queue.scheduleExpiry(event.data.id, event.data.expiresAt)

/** Cancelled or paid: the order can no longer expire, so its timer is disarmed. */
export const onOrderClosed =
  (queue: ExpireOrderQueue): Handler<'order.cancelled' | 'order.completed'> =>
  (event) =>
    queue.cancelExpiry(event.data.id)
