import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyPayment } from '../orders/order.service.js'

/** A charge succeeded: it completes the order, or is refused if the order is no longer open. */
export const onPaymentCreated: EventHandler<'payment.created', Database> = async (event, trx) => {
  await applyPayment(trx, event.data)
}
