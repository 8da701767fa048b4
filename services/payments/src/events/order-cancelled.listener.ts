import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyOrderStatus } from '../orders/order-replica.service.js'
import { refundOrderOfCancelledEvent, releaseAttemptsOfCancelledOrder } from '../payments/payment.service.js'
import { cancelPayoutOfOrder } from '../payouts/payout.service.js'

/**
 * The order was cancelled: it can no longer be paid, and whatever was held on the buyer's card is released.
 * An order cancelled with its event may have been paid: that is refunded in full.
 */
export const onOrderCancelled: EventHandler<'order.cancelled', Database> = async (event, trx) => {
  await applyOrderStatus(trx, { id: event.data.id, version: event.data.version, status: 'cancelled' })
  if (event.data.reason === 'event_cancelled') {
    await refundOrderOfCancelledEvent(trx, event.data.id)
    await cancelPayoutOfOrder(trx, event.data.id)
  } else await releaseAttemptsOfCancelledOrder(trx, event.data.id)
}
