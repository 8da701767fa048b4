import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyOrderStatus } from '../orders/order-replica.service.js'

/** The order was completed by a payment: it is paid, and a second payment is refused. */
export const onOrderCompleted: EventHandler<'order.completed', Database> = async (event, trx) => {
  await applyOrderStatus(trx, { id: event.data.id, version: event.data.version, status: 'complete' })
}
