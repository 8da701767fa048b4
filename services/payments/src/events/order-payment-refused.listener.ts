import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import type { PaymentGateway } from '../gateways/payment-gateway.js'
import { refundRefusedPayment } from '../payments/payment.service.js'

/** orders refused a payment (the order was cancelled or expired first): the charge is given back. */
export const onOrderPaymentRefused =
  (gateway: PaymentGateway): EventHandler<'order.payment-refused', Database> =>
  async (event, trx) => {
    await refundRefusedPayment(trx, gateway, event.data.paymentId)
  }
