import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyOrderStatus } from '../orders/order-replica.service.js'

/** The order was cancelled: it can no longer be paid. */
export const onOrderCancelled: EventHandler<'order.cancelled', Database> = async (event, trx) => {
  await applyOrderStatus(trx, { id: event.data.id, version: event.data.version, status: 'cancelled' })
}
