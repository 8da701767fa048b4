import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { releaseRefusedPayment } from '../payments/payment.service.js'

/** orders refused a payment (the order was cancelled, expired or refused first): the money is released. */
export const onOrderPaymentRefused: EventHandler<'order.payment-refused', Database> = async (event, trx) => {
  await releaseRefusedPayment(trx, event.data.paymentId)
}
