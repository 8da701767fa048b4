import type { EventHandler, EventTables } from '@ticketing/common'
import type { ExpireOrderQueue } from '../jobs/expire-order.queue.js'

/** Cancelled: the order can no longer expire, so its timer is disarmed (idempotent: one job per order). */
export const onOrderCancelled =
  (queue: ExpireOrderQueue): EventHandler<'order.cancelled', EventTables> =>
  async (event) => {
    await queue.cancelExpiry(event.data.id)
  }
