import { randomUUID } from 'node:crypto'
import {
  afterCommit,
  eventOnSale,
  formatMinorUnits,
  inTransaction,
  NotFoundError,
  pgErrorCode,
  RetryLaterError,
  toMinorUnits,
  writeEvent,
  type CurrentUser,
  type EventData,
  type Page,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { OrdersContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { withIdempotencyKey } from './idempotency.js'
import { findEventReplica } from '../catalogue/event-replica.service.js'
import { findTicket } from '../tickets/ticket-replica.repository.js'
import {
  EventTicketLimitError,
  NotYoursError,
  OrderCompleteError,
  PriceChangedError,
  TicketAlreadyReservedError,
  TicketNotOnSaleError,
  TooManyOpenOrdersError,
} from './order.errors.js'
import {
  countActiveOrdersOfEvent,
  countOpenOrdersOf,
  lockActiveOrdersOfEvent,
  findOrder,
  findOrderWithHoldLeft,
  markHoldConfirmed,
  insertOrderForTicket,
  isHeldByAnother,
  lockBuyerReservations,
  listOrdersOf,
  setStatus,
} from './order.repository.js'
import { orderJson, type Order } from './order.schemas.js'
import { canCancel, canMove, statusesBefore, type CancelReason } from './order-status.js'
import type { OrderRow } from './order.table.js'

/**
 * Reserves a ticket for the buyer. The unique index on active orders decides races: one wins, the rest get
 * 400. A buyer holds at most MAX_OPEN_ORDERS_PER_USER open orders: their reservations take turns on a lock,
 * so two at once cannot both see one left. With an Idempotency-Key, a retry gets the first answer.
 */
export async function createOrder(
  ctx: OrdersContext,
  buyer: CurrentUser,
  { ticketId, price: seenPrice }: { ticketId: string; price?: number },
  idempotencyKey?: string,
): Promise<Order> {
  const request = {
    userId: buyer.id,
    key: idempotencyKey,
    fingerprint: `POST /api/orders ${ticketId}${seenPrice === undefined ? '' : ` at ${seenPrice}`}`,
    statusCode: 201,
  }
  // At an on-sale a crowd races for one ticket and all but one lose: a ticket another buyer holds is refused
  // with one indexed read, before any transaction or lock, and in this instance the crowd takes turns behind
  // the first (ReservationGate), so those behind a winner are refused with no read at all. The unique index
  // still decides every race; this only answers the already decided ones sooner. The buyer's own order goes
  // on (an Idempotency-Key retry replays its answer).
  const reserve = async () => {
    if (await isHeldByAnother(ctx.db, ticketId, buyer.id)) throw new TicketAlreadyReservedError()
    return placeOrder(ctx, buyer, { ticketId, seenPrice }, request)
  }
  return ctx.reservations
    ? ctx.reservations.run(ticketId, buyer.id, reserve, () => new TicketAlreadyReservedError())
    : reserve()
}

/**
 * Whether the ticket can be reserved, by orders' replicas: on sale (not withdrawn or sold), its event neither
 * started nor cancelled, at the all-in price the buyer saw. Returns its event, if it has one.
 */
async function checkOnSale(
  trx: Kysely<Database>,
  ticketId: string,
  seenPrice: number | undefined,
): Promise<string | undefined> {
  const ticket = await findTicket(trx, ticketId)
  if (!ticket) throw new NotFoundError({ message: 'Ticket not found' })
  if (ticket.status === 'withdrawn' || ticket.status === 'sold') throw new TicketNotOnSaleError()
  const event = ticket.event_id === null ? undefined : await findEventReplica(trx, ticket.event_id)
  if (event && !eventOnSale(event)) {
    throw new TicketNotOnSaleError({
      message:
        event.status === 'cancelled'
          ? 'This event is cancelled: its tickets are not on sale'
          : 'This event has started: its tickets are no longer on sale',
    })
  }
  const total = ticket.price + ticket.buyer_fee
  if (seenPrice !== undefined && toMinorUnits(seenPrice, ticket.currency) !== total) {
    throw new PriceChangedError({
      message: `The price just changed: it is now ${formatMinorUnits(total, ticket.currency)} ${ticket.currency} with fees. Check it and try again`,
    })
  }
  return ticket.event_id ?? undefined
}

async function placeOrder(
  ctx: OrdersContext,
  buyer: CurrentUser,
  { ticketId, seenPrice }: { ticketId: string; seenPrice: number | undefined },
  request: { userId: string; key: string | undefined; fingerprint: string; statusCode: number },
): Promise<Order> {
  try {
    return await withIdempotencyKey(ctx.db, request, async (trx) => {
      await lockBuyerReservations(trx, buyer.id)
      const eventId = await checkOnSale(trx, ticketId, seenPrice)
      const perEvent = ctx.config.EVENT_TICKET_LIMIT
      if (eventId && (await countActiveOrdersOfEvent(trx, buyer.id, eventId)) >= perEvent) {
        throw new EventTicketLimitError({
          message: `You already hold or have reserved ${perEvent} tickets of this event, the most allowed`,
        })
      }
      const max = ctx.config.MAX_OPEN_ORDERS_PER_USER
      if ((await countOpenOrdersOf(trx, buyer.id)) >= max) {
        throw new TooManyOpenOrdersError({
          message: `You already have ${max} open orders, the most allowed; pay for or cancel one first`,
        })
      }
      // Whether the ticket is free is decided by our own orders (the unique index), not by the replica's
      // orderId: that lags behind a cancellation, and a buyer right after it must not be turned away.
      const order = await insertOrderForTicket(trx, {
        id: randomUUID(),
        userId: buyer.id,
        ticketId,
        holdSeconds: ctx.config.ORDER_HOLD_SECONDS,
      })
      if (!order) throw new NotFoundError({ message: 'Ticket not found' })
      await writeEvent(trx, 'order.created', {
        id: order.id,
        version: order.version,
        status: 'created',
        userId: order.user_id,
        expiresAt: order.expires_at.toISOString(),
        total: order.price + order.buyer_fee,
        ticket: {
          id: order.ticket_id,
          version: order.ticket_version,
          price: order.price,
          currency: order.currency,
          ...(order.event_id !== null && { eventId: order.event_id }),
          ...(order.seller_id !== null && {
            sellerId: order.seller_id,
            sellerNet: order.price - order.seller_fee,
          }),
        },
      })
      afterCommit(trx, () => ctx.metrics?.holdsCreated?.inc())
      return orderJson(order)
    })
  } catch (error) {
    const { constraint } = error as { constraint?: string }
    if (pgErrorCode(error) === '23505' && constraint === 'orders_one_active_per_ticket') {
      throw new TicketAlreadyReservedError()
    }
    throw error
  }
}

export async function getOrder(ctx: OrdersContext, buyer: CurrentUser, id: string): Promise<Order> {
  const order = await findOrder(ctx.db, id)
  if (!order) throw new NotFoundError()
  if (order.user_id !== buyer.id) throw new NotYoursError()
  return orderJson(order)
}

export async function listOrders(ctx: OrdersContext, buyer: CurrentUser, page: Page): Promise<OrderRow[]> {
  return listOrdersOf(ctx.db, buyer.id, page)
}

/** The buyer cancels their order; a complete order cannot be cancelled, a cancelled one stays as it is. */
export async function cancelOrder(ctx: OrdersContext, buyer: CurrentUser, id: string): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const order = await findOrder(trx, id, true)
    if (!order) throw new NotFoundError()
    if (order.user_id !== buyer.id) throw new NotYoursError()
    if (order.status === 'complete') throw new OrderCompleteError()
    await cancelOpenOrder(trx, order, 'user')
  })
}

/**
 * Cancels an open order and announces it, in the caller's transaction (the order row locked); tickets then
 * releases the ticket. Returns false when the order was not open (already cancelled or complete).
 */
export async function cancelOpenOrder(
  trx: Kysely<Database>,
  order: OrderRow,
  reason: CancelReason,
): Promise<boolean> {
  if (!canCancel(order.status, reason)) return false
  const cancelled = await setStatus(trx, order, 'cancelled', reason)
  await writeEvent(trx, 'order.cancelled', {
    id: cancelled.id,
    version: cancelled.version,
    ticket: { id: cancelled.ticket_id },
    reason,
  })
  return true
}

/**
 * The event was cancelled: every order of it that is open or complete is cancelled (`event_cancelled`), in
 * the caller's transaction. tickets withdraws the tickets they held; payments refunds what was paid.
 */
export async function cancelOrdersOfCancelledEvent(trx: Kysely<Database>, eventId: string): Promise<void> {
  for (const order of await lockActiveOrdersOfEvent(trx, eventId)) {
    await cancelOpenOrder(trx, order, 'event_cancelled')
  }
}

/**
 * tickets refused the reservation because the price changed under the buyer: the order is cancelled
 * (`ticket_changed`) if it is still open, in the caller's transaction.
 */
export async function refuseReservation(trx: Kysely<Database>, orderId: string): Promise<void> {
  const order = await findOrder(trx, orderId, true)
  if (order) await cancelOpenOrder(trx, order, 'ticket_changed')
}

/**
 * The order's timer fired: the order is cancelled (`expired`) if it is still open and its hold has ended by
 * the database's clock. A timer a little early (clocks a moment apart) is tried again shortly; one early by
 * more (its host's clock well ahead) changes nothing, and the sweeper cancels the order once the hold and the
 * grace period are over. True when it cancelled the order.
 */
export async function expireOrder(trx: Kysely<Database>, orderId: string): Promise<boolean> {
  const order = await findOrderWithHoldLeft(trx, orderId)
  if (!order || !canMove(order.status, 'cancelled')) return false
  if (order.hold_left_ms <= 0) {
    return cancelOpenOrder(trx, order, 'expired')
  } else if (order.hold_left_ms <= EARLY_TIMER_RETRY_MS) {
    throw new RetryLaterError(`order ${order.id} is held for ${Math.ceil(order.hold_left_ms)} ms more`)
  }
  return false
}

/** How early a timer may fire and still be retried rather than left to the sweeper. */
const EARLY_TIMER_RETRY_MS = 5_000

/** tickets holds the ticket for the order: from now on a payment completes it, unless the order is over. */
export async function confirmReservation(trx: Kysely<Database>, orderId: string): Promise<void> {
  await markHoldConfirmed(trx, orderId, statusesBefore('awaiting:payment'))
}

/**
 * A charge succeeded. It completes the order only once tickets has confirmed the hold and while the order is
 * open: a paid order is always a held ticket. A payment that came before the confirmation waits for it (the
 * buyer was answered 201 already); one for an order that is over (expired, cancelled, its reservation
 * refused, or paid already) is refused (order.payment-refused), and payments refunds it.
 */
export async function applyPayment(
  trx: Kysely<Database>,
  payment: EventData<'payment.created'>,
): Promise<void> {
  const order = await findOrderWithHoldLeft(trx, payment.orderId)
  if (order?.status === 'created') {
    if (order.hold_left_ms > 0) {
      throw new RetryLaterError(`order ${order.id} is paid but its hold is not confirmed yet`)
    }
    // No confirmation came within the hold: the order is over, and so is this payment.
    await cancelOpenOrder(trx, order, 'expired')
  } else if (order && canMove(order.status, 'complete')) {
    const completed = await setStatus(trx, order, 'complete')
    await writeEvent(trx, 'order.completed', {
      id: completed.id,
      version: completed.version,
      userId: completed.user_id,
      ticket: { id: completed.ticket_id },
      total: completed.price + completed.buyer_fee,
    })
    return
  }
  await writeEvent(trx, 'order.payment-refused', { orderId: payment.orderId, paymentId: payment.id })
}
