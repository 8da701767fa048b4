import { randomUUID } from 'node:crypto'
import {
  inTransaction,
  NotFoundError,
  pgErrorCode,
  writeEvent,
  type CurrentUser,
  type EventLogger,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { PaymentsContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { CardDeclinedError, type ChargeRequest, type PaymentGateway } from '../gateways/payment-gateway.js'
import { findOrderToPay } from '../orders/order-replica.repository.js'
import {
  NotYoursError,
  OrderAlreadyPaidError,
  OrderCancelledError,
  OrderExpiredError,
  PaymentDeclinedError,
} from './payment.errors.js'
import { findPayment, insertPayment, isOrderPaid, markRefunded } from './payment.repository.js'

/**
 * Pays for the buyer's order: checks it can still be paid, charges the card, then records the payment and
 * announces it in one transaction (orders completes the order, or refuses a payment that lost the race).
 */
export async function createPayment(
  ctx: PaymentsContext,
  buyer: CurrentUser,
  request: { orderId: string; token: string },
  logger: EventLogger,
): Promise<{ id: string }> {
  const order = await findOrderToPay(ctx.db, request.orderId)
  if (!order) throw new NotFoundError({ message: 'Order not found' })
  if (order.user_id !== buyer.id) throw new NotYoursError()
  if (order.status === 'cancelled') throw new OrderCancelledError()
  // A paid order is "already paid", not "expired", however late the buyer comes back to it.
  if (order.status === 'complete' || (await isOrderPaid(ctx.db, order.id))) throw new OrderAlreadyPaidError()
  // orders may not have cancelled it yet, but a hold that has run out (by the database's clock) is not paid for.
  if (order.hold_over) throw new OrderExpiredError()

  const payment = { id: randomUUID(), orderId: order.id, amount: order.price, currency: order.currency }
  const chargeId = await chargeCard(ctx, { paymentId: payment.id, token: request.token, ...payment })

  try {
    await inTransaction(ctx.db, async (trx) => {
      await insertPayment(trx, {
        id: payment.id,
        order_id: payment.orderId,
        amount: payment.amount,
        currency: payment.currency,
        gateway_charge_id: chargeId,
        status: 'succeeded',
      })
      await writeEvent(trx, 'payment.created', { ...payment, gatewayChargeId: chargeId })
    })
  } catch (error) {
    // A charge we could not record must not be kept: most often a concurrent payment for the same order won
    // the unique index, but whatever the failure, the buyer gets this charge back before we answer.
    await ctx.gateway.refund(chargeId, { paymentId: payment.id, orderId: payment.orderId })
    logger.info({ orderId: payment.orderId, chargeId }, 'payments: refunded a charge that was not recorded')
    if (pgErrorCode(error) === '23505') throw new OrderAlreadyPaidError()
    throw error
  }
  return { id: payment.id }
}

/** A declined card is the buyer's 402; any other failure of the gateway is ours (500). */
async function chargeCard(ctx: PaymentsContext, request: ChargeRequest): Promise<string> {
  try {
    return (await ctx.gateway.charge(request)).chargeId
  } catch (error) {
    if (error instanceof CardDeclinedError) throw new PaymentDeclinedError({ cause: error })
    throw error
  }
}

/**
 * orders refused a payment (the order was cancelled or expired first): give the charge back, in the caller's
 * transaction. If the commit fails the event is redelivered and the refund asked again, which the gateway's
 * idempotency key turns into a no-op; a payment already refunded is skipped.
 */
export async function refundRefusedPayment(
  trx: Kysely<Database>,
  gateway: PaymentGateway,
  paymentId: string,
): Promise<void> {
  const payment = await findPayment(trx, paymentId, true)
  if (!payment || payment.status === 'refunded') return
  await gateway.refund(payment.gateway_charge_id, { paymentId: payment.id, orderId: payment.order_id })
  await markRefunded(trx, payment.id)
  await writeEvent(trx, 'payment.refunded', { id: payment.id, orderId: payment.order_id })
}
