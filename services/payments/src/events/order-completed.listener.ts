import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyOrderStatus } from '../orders/order-replica.service.js'
import { captureForCompletedOrder } from '../payments/payment.service.js'
import { recordPayoutOfCompletedOrder } from '../payouts/payout.service.js'

/**
 * orders accepted the payment and completed the order: a second payment is refused, the money is taken, and
 * the seller is owed their net.
 */
export const onOrderCompleted: EventHandler<'order.completed', Database> = async (event, trx) => {
  await applyOrderStatus(trx, { id: event.data.id, version: event.data.version, status: 'complete' })
  await captureForCompletedOrder(trx, event.data.id)
  await recordPayoutOfCompletedOrder(trx, event.data.id)
}
