import { writeEvent, type EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import type { PaymentGateway } from '../gateways/payment-gateway.js'
import { findPayment, markRefunded } from '../payments/payment.repository.js'

/**
 * orders refused a payment (the order was cancelled or expired first): give the charge back. The refund runs
 * inside the handler's transaction, so if the commit fails the event is redelivered and the refund asked
 * again, which the gateway's idempotency key turns into a no-op; a payment already refunded is skipped.
 */
export function onPaymentRefused(gateway: PaymentGateway): EventHandler<'order.payment-refused', Database> {
  return async (event, trx) => {
    const payment = await findPayment(trx, event.data.paymentId, true)
    if (!payment || payment.status === 'refunded') return
    await gateway.refund(payment.gateway_charge_id, { paymentId: payment.id, orderId: payment.order_id })
    await markRefunded(trx, payment.id)
    await writeEvent(trx, 'payment.refunded', { id: payment.id, orderId: payment.order_id })
  }
}
