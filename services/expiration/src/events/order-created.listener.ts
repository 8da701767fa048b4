import type { EventHandler, EventTables } from '@ticketing/common'
import type { ExpireOrderQueue } from '../jobs/expire-order.queue.js'

/**
 * A new order: its timer is armed for when the hold runs out. expiration has no database, so its handlers get
 * no transaction and no processed_events: they are idempotent through the job id instead (one job per order).
 */
export const onOrderCreated =
  (queue: ExpireOrderQueue): EventHandler<'order.created', EventTables> =>
  async (event) => {
    await queue.scheduleExpiry(event.data.id, event.data.expiresAt)
  }
