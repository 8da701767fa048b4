import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyOrderStatus } from '../orders/order-replica.service.js'
import { releaseUnfinishedAttempts } from '../payments/payment.service.js'

/** The order was cancelled: it can no longer be paid, and a 3-D Secure check left unfinished is released. */
export const onOrderCancelled: EventHandler<'order.cancelled', Database> = async (event, trx) => {
  await applyOrderStatus(trx, { id: event.data.id, version: event.data.version, status: 'cancelled' })
  await releaseUnfinishedAttempts(trx, event.data.id)
}
