import { randomUUID } from 'node:crypto'
import {
  crashAt,
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
import { CardDeclinedError, type Intent } from '../gateways/payment-gateway.js'
import { findOrder, findOrderToPay } from '../orders/order-replica.repository.js'
import {
  GatewayUnavailableError,
  NotYoursError,
  OrderAlreadyPaidError,
  OrderCancelledError,
  OrderExpiredError,
  PaymentDeclinedError,
  PaymentInProgressError,
} from './payment.errors.js'
import {
  findLivePayment,
  findPayment,
  insertPayment,
  movePayment,
  oweSettlement,
} from './payment.repository.js'
import type { PaymentView } from './payment.schemas.js'
import type { PaymentRow, PaymentStatus } from './payment.table.js'

/**
 * Pays for the buyer's order. The attempt is recorded (pending) before the gateway is called, and no row is
 * locked during any gateway call. An authorised card is announced to orders (payment.created) and captured only
 * once orders completes the order; a card that needs 3-D Secure is answered `requires_action`; an outcome the
 * gateway did not give us (a timeout) is answered `pending` and settled by the reconciler.
 */
export async function createPayment(
  ctx: PaymentsContext,
  buyer: CurrentUser,
  request: { orderId: string; token: string },
  logger: EventLogger,
): Promise<PaymentView> {
  const order = await orderWhenKnown(ctx, request.orderId)
  if (!order) throw new NotFoundError({ message: 'Order not found' })
  if (order.user_id !== buyer.id) throw new NotYoursError()
  if (order.status === 'cancelled') throw new OrderCancelledError()
  // A paid order is "already paid", not "expired", however late the buyer comes back to it.
  if (order.status === 'complete') throw new OrderAlreadyPaidError()
  await makeRoomForAttempt(ctx, order.id)
  // orders may not have cancelled it yet, but a hold that has run out (by the database's clock) is not paid for.
  if (order.hold_over) throw new OrderExpiredError()

  const payment = {
    paymentId: randomUUID(),
    orderId: order.id,
    amount: order.total,
    currency: order.currency,
  }
  try {
    await insertPayment(ctx.db, {
      id: payment.paymentId,
      order_id: payment.orderId,
      amount: payment.amount,
      currency: payment.currency,
      gateway_charge_id: null,
      status: 'pending',
    })
  } catch (error) {
    // Another attempt for this order got its row in first (a double click, two tabs).
    if (pgErrorCode(error) !== '23505') throw error
    await makeRoomForAttempt(ctx, order.id)
    throw new PaymentInProgressError()
  }

  let intentId: string
  try {
    intentId = (await ctx.gateway.open(payment)).intentId
    await movePayment(ctx.db, payment.paymentId, ['pending'], { gateway_charge_id: intentId })
  } catch (error) {
    // The card was not presented: nothing can have been taken, and the buyer may simply try again.
    await movePayment(ctx.db, payment.paymentId, ['pending'], {
      status: 'declined',
      decline_reason: 'gateway_unavailable',
    })
    throw new GatewayUnavailableError({ cause: error })
  }

  try {
    const intent = await ctx.gateway.authorize(intentId, {
      paymentId: payment.paymentId,
      token: request.token,
    })
    crashAt('payments.after-authorize')
    return view(await recordIntent(ctx.db, payment.paymentId, intent))
  } catch (error) {
    if (error instanceof CardDeclinedError) {
      await movePayment(ctx.db, payment.paymentId, ['pending'], {
        status: 'declined',
        decline_reason: error.reason,
      })
      throw new PaymentDeclinedError({ cause: error })
    }
    // The card may or may not have been authorised. Ask once more now; failing that, the reconciler will.
    logger.warn({ err: error, paymentId: payment.paymentId }, 'payments: authorisation outcome unknown')
    const resolved = await resolveAttempt(ctx, payment.paymentId, { releaseUnconfirmed: false }).catch(
      () => undefined,
    )
    if (resolved?.status === 'declined') throw new PaymentDeclinedError()
    return view(resolved ?? (await findPayment(ctx.db, payment.paymentId))!)
  }
}

/** How long a payment waits for an order payments has not heard of yet: order.created is on its way. */
const ORDER_ARRIVAL_WAIT_MS = 2_000

/**
 * The order from the replica. A buyer who pays right after reserving may be quicker than order.created: that
 * is an internal step not yet done, not an unknown order, so the request waits a moment for it.
 */
async function orderWhenKnown(ctx: PaymentsContext, orderId: string) {
  const deadline = Date.now() + ORDER_ARRIVAL_WAIT_MS
  for (;;) {
    const order = await findOrderToPay(ctx.db, orderId)
    if (order || Date.now() >= deadline) return order
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * An order takes one live attempt. One that is paid or still being paid wins; one left waiting for 3-D Secure
 * (the buyer gave up on it and tries another card) is released first.
 */
async function makeRoomForAttempt(ctx: PaymentsContext, orderId: string): Promise<void> {
  const live = await findLivePayment(ctx.db, orderId)
  if (!live) return
  if (live.status === 'authorized' || live.status === 'captured') throw new OrderAlreadyPaidError()
  if (live.status === 'pending' || !live.gateway_charge_id) throw new PaymentInProgressError()
  await ctx.gateway.void(live.gateway_charge_id, { paymentId: live.id })
  await movePayment(ctx.db, live.id, ['requires_action'], { status: 'voided', client_secret: null })
}

/** The buyer's attempt, as the order page polls it. */
export async function getPayment(ctx: PaymentsContext, buyer: CurrentUser, id: string): Promise<PaymentView> {
  const payment = await findOwnPayment(ctx, buyer, id)
  return view(payment)
}

/**
 * The buyer finished authenticating with their bank (Stripe.js's handleNextAction, or the sandbox's stand-in):
 * learn the outcome now rather than at the reconciler's next round.
 */
export async function completeAction(
  ctx: PaymentsContext,
  buyer: CurrentUser,
  id: string,
): Promise<PaymentView> {
  const payment = await findOwnPayment(ctx, buyer, id)
  if (payment.status !== 'requires_action' || !payment.gateway_charge_id) return view(payment)
  const intent = await ctx.gateway.completeAction(payment.gateway_charge_id)
  const row = await recordIntent(ctx.db, payment.id, intent)
  if (row.status !== payment.status) ctx.metrics?.paymentOutcomes?.inc({ outcome: row.status })
  if (row.status === 'declined') throw new PaymentDeclinedError()
  return view(row)
}

async function findOwnPayment(ctx: PaymentsContext, buyer: CurrentUser, id: string): Promise<PaymentRow> {
  const payment = await findPayment(ctx.db, id)
  const order = payment && (await findOrder(ctx.db, payment.order_id))
  if (!payment || !order) throw new NotFoundError({ message: 'Payment not found' })
  if (order.user_id !== buyer.id) throw new NotYoursError()
  return payment
}

/**
 * Asks the gateway where an unresolved attempt stands and records it: the reconciler's and the webhooks' way
 * to learn an outcome that no answer brought. An attempt whose card was never presented, long after its
 * request ended, is released and ends declined.
 */
export async function resolveAttempt(
  ctx: PaymentsContext,
  paymentId: string,
  { releaseUnconfirmed = true } = {},
): Promise<PaymentRow> {
  const payment = await findPayment(ctx.db, paymentId)
  if (!payment) throw new Error(`no payment ${paymentId}`)
  if (payment.status !== 'pending' && payment.status !== 'requires_action') return payment
  // A crash between opening the intent and noting its id: opening again with the same key finds it.
  const intentId =
    payment.gateway_charge_id ??
    (
      await ctx.gateway.open({
        paymentId: payment.id,
        orderId: payment.order_id,
        amount: payment.amount,
        currency: payment.currency,
      })
    ).intentId
  const intent = await ctx.gateway.lookup(intentId)
  if (intent.status === 'unconfirmed') {
    // Right after a failed request the card may yet be presented (a retry still on its way): leave it pending.
    if (!releaseUnconfirmed) return payment
    await ctx.gateway.void(intentId, { paymentId: payment.id })
    return (
      (await movePayment(ctx.db, payment.id, ['pending'], {
        status: 'declined',
        decline_reason: 'not_completed',
        gateway_charge_id: intentId,
      })) ?? (await findPayment(ctx.db, payment.id))!
    )
  }
  return recordIntent(ctx.db, payment.id, intent)
}

/**
 * Records what the gateway says of an attempt that was pending or awaiting authentication. An authorisation is
 * announced to orders in the same transaction, once: the status moves only from an unresolved one.
 */
async function recordIntent(db: Kysely<Database>, paymentId: string, intent: Intent): Promise<PaymentRow> {
  const unresolved: PaymentStatus[] = ['pending', 'requires_action']
  const moved = await inTransaction(db, async (trx) => {
    switch (intent.status) {
      case 'authorized':
      case 'captured': {
        const row = await movePayment(trx, paymentId, unresolved, {
          status: 'authorized',
          gateway_charge_id: intent.id,
          client_secret: null,
        })
        if (row) {
          await writeEvent(trx, 'payment.created', {
            id: row.id,
            orderId: row.order_id,
            amount: row.amount,
            currency: row.currency,
            gatewayChargeId: intent.id,
          })
        }
        return row
      }
      case 'requires_action':
        return movePayment(trx, paymentId, ['pending'], {
          status: 'requires_action',
          gateway_charge_id: intent.id,
          client_secret: intent.clientSecret ?? null,
        })
      case 'declined':
        return movePayment(trx, paymentId, unresolved, {
          status: 'declined',
          decline_reason: intent.declineReason ?? 'declined',
          client_secret: null,
        })
      case 'voided':
        return movePayment(trx, paymentId, unresolved, { status: 'voided', client_secret: null })
      default:
        return undefined // still unconfirmed or processing: ask again later
    }
  })
  return moved ?? (await findPayment(db, paymentId))!
}

/** orders completed the order the attempt was authorised for: the money is taken (by the reconciler). */
export async function captureForCompletedOrder(trx: Kysely<Database>, orderId: string): Promise<void> {
  const payment = await findLivePayment(trx, orderId)
  if (payment?.status === 'authorized') await oweSettlement(trx, payment.id, 'capture')
}

/**
 * orders refused a payment (the order was cancelled, expired or its reservation refused first): an
 * authorisation is released, money already taken is given back. The gateway is called by the reconciler, after
 * this transaction, never under its locks; a redelivered refusal finds the work already owed or done.
 */
export async function releaseRefusedPayment(trx: Kysely<Database>, paymentId: string): Promise<void> {
  const payment = await findPayment(trx, paymentId, true)
  if (payment?.status === 'authorized') await oweSettlement(trx, payment.id, 'void')
  else if (payment?.status === 'captured') await oweSettlement(trx, payment.id, 'refund')
}

/**
 * The order was cancelled: an authentication the buyer never finished is released with it, and so is an
 * authorisation (orders would refuse its payment.created, but that answer never comes if the event was lost).
 */
export async function releaseAttemptsOfCancelledOrder(trx: Kysely<Database>, orderId: string): Promise<void> {
  const payment = await findLivePayment(trx, orderId)
  if (payment?.status === 'requires_action' || payment?.status === 'authorized') {
    await oweSettlement(trx, payment.id, 'void')
  }
}

/**
 * The order's event was cancelled: whatever the buyer paid or has held on their card goes back in full (the
 * reconciler refunds or voids at the gateway after this transaction). Redelivered, it finds the work owed.
 */
export async function refundOrderOfCancelledEvent(trx: Kysely<Database>, orderId: string): Promise<void> {
  const payment = await findLivePayment(trx, orderId)
  if (payment?.status === 'captured') await oweSettlement(trx, payment.id, 'refund')
  else if (payment?.status === 'requires_action' || payment?.status === 'authorized') {
    await oweSettlement(trx, payment.id, 'void')
  }
}

function view(payment: PaymentRow): PaymentView {
  return {
    id: payment.id,
    orderId: payment.order_id,
    status: payment.status,
    ...(payment.client_secret && { clientSecret: payment.client_secret }),
    ...(payment.decline_reason && { declineReason: payment.decline_reason }),
  }
}
