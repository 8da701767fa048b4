import type { EventHandler, EventTables } from '@ticketing/common'
import type { ExpireOrderQueue } from '../jobs/expire-order.queue.js'

/** Paid: the order can no longer expire, so its timer is disarmed (idempotent: one job per order). */
export const onOrderCompleted =
  (queue: ExpireOrderQueue): EventHandler<'order.completed', EventTables> =>
  async (event) => {
    await queue.cancelExpiry(event.data.id)
  }
