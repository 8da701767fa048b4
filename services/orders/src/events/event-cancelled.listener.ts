import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyEventState } from '../catalogue/event-replica.service.js'

/** An event was cancelled: no more reservations, and its orders are cancelled (and so refunded). */
export const onEventCancelled: EventHandler<'event.cancelled', Database> = async (event, trx) => {
  await applyEventState(trx, event.data)
}
