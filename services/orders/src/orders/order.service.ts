import { createHash, randomUUID } from 'node:crypto'
import {
  inTransaction,
  NotFoundError,
  writeEvent,
  type CurrentUser,
  type PageCursor,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { OrdersContext } from '../context.js'
import type { Database } from '../db/schema.js'
import {
  IdempotencyKeyReusedError,
  NotYoursError,
  OrderCompleteError,
  TicketAlreadyReservedError,
} from './order.errors.js'
import {
  findIdempotentResponse,
  findOrder,
  insertOrderForTicket,
  listOrdersOf,
  saveIdempotentResponse,
  setStatus,
} from './order.repository.js'
import { orderJson, type Order } from './order.schemas.js'
import { OPEN_STATUSES, type CancelReason, type OrderRow } from './order.table.js'

interface PgError {
  code?: string
  constraint?: string
}

/** Reserves a ticket for the buyer. The unique index on active orders decides races: one wins, the rest get 400. */
export async function createOrder(
  ctx: OrdersContext,
  buyer: CurrentUser,
  ticketId: string,
  idempotencyKey?: string,
): Promise<Order> {
  const requestHash = createHash('sha256').update(`POST /api/orders ${ticketId}`).digest('hex')
  if (idempotencyKey) {
    const replay = await replayIdempotent(ctx, buyer.id, idempotencyKey, requestHash)
    if (replay) return replay
  }
  try {
    const order = await inTransaction(ctx.db, async (trx) => {
      // Whether the ticket is free is decided by our own orders (the unique index), not by the replica's
      // orderId: that lags behind a cancellation, and a buyer right after it must not be turned away.
      const order = await insertOrderForTicket(trx, {
        id: randomUUID(),
        userId: buyer.id,
        ticketId,
        expiresAt: new Date(Date.now() + ctx.config.ORDER_HOLD_SECONDS * 1000),
      })
      if (!order) throw new NotFoundError({ message: 'Ticket not found' })
      await writeEvent(trx, 'order.created', {
        id: order.id,
        version: order.version,
        status: 'created',
        userId: order.user_id,
        expiresAt: order.expires_at.toISOString(),
        ticket: {
          id: order.ticket_id,
          version: order.ticket_version,
          price: order.price,
          currency: order.currency,
        },
      })
      const json = orderJson(order)
      if (idempotencyKey) {
        await saveIdempotentResponse(trx, {
          userId: buyer.id,
          key: idempotencyKey,
          requestHash,
          statusCode: 201,
          response: json,
        })
      }
      return json
    })
    return order
  } catch (error) {
    const { code, constraint } = error as PgError
    if (code === '23505' && constraint === 'orders_one_active_per_ticket')
      throw new TicketAlreadyReservedError()
    // The same key raced itself: the other request won and stored its answer.
    if (code === '23505' && constraint === 'idempotency_keys_pkey' && idempotencyKey) {
      const replay = await replayIdempotent(ctx, buyer.id, idempotencyKey, requestHash)
      if (replay) return replay
    }
    throw error
  }
}

async function replayIdempotent(ctx: OrdersContext, userId: string, key: string, requestHash: string) {
  const stored = await findIdempotentResponse(ctx.db, userId, key)
  if (!stored) return undefined
  if (stored.request_hash !== requestHash) throw new IdempotencyKeyReusedError({ field: 'idempotency-key' })
  return stored.response as Order
}

export async function getOrder(ctx: OrdersContext, buyer: CurrentUser, id: string): Promise<Order> {
  const order = await findOrder(ctx.db, id)
  if (!order) throw new NotFoundError()
  if (order.user_id !== buyer.id) throw new NotYoursError()
  return orderJson(order)
}

export async function listOrders(ctx: OrdersContext, buyer: CurrentUser, limit: number, after?: PageCursor) {
  return listOrdersOf(ctx.db, buyer.id, limit, after)
}

/**
 * Cancels an open order and announces it, in the caller's transaction; tickets then releases the ticket.
 * Returns false when the order was not open (already cancelled or complete).
 */
export async function cancelOpenOrder(
  trx: Kysely<Database>,
  order: OrderRow,
  reason: CancelReason,
): Promise<boolean> {
  if (!(OPEN_STATUSES as readonly string[]).includes(order.status)) return false
  const cancelled = await setStatus(trx, order, 'cancelled', reason)
  await writeEvent(trx, 'order.cancelled', {
    id: cancelled.id,
    version: cancelled.version,
    ticket: { id: cancelled.ticket_id },
    reason,
  })
  return true
}

export async function cancelOrder(ctx: OrdersContext, buyer: CurrentUser, id: string): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const order = await findOrder(trx, id, true)
    if (!order) throw new NotFoundError()
    if (order.user_id !== buyer.id) throw new NotYoursError()
    if (order.status === 'complete') throw new OrderCompleteError()
    await cancelOpenOrder(trx, order, 'user')
  })
}
