import { newestFirst, type Page } from '@ticketing/common'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { OPEN_STATUSES, type CancelReason, type OrderStatus } from './order-status.js'
import type { OrderRow } from './order.table.js'

/**
 * Places an order for a ticket of the replica in one statement (the hot path: one round trip fewer than
 * reading the ticket first), held for `holdSeconds` from now by the database's clock. Returns nothing when
 * the replica has no such ticket.
 */
export async function insertOrderForTicket(
  db: Kysely<Database>,
  order: { id: string; userId: string; ticketId: string; holdSeconds: number },
): Promise<(OrderRow & { ticket_version: number }) | undefined> {
  const { rows } = await sql<OrderRow & { ticket_version: number }>`
    with ticket as (select * from ticket_replicas where id = ${order.ticketId}),
    placed as (
      insert into orders (id, user_id, ticket_id, ticket_title, price, buyer_fee, seller_id, seller_fee, currency,
        status, expires_at, version, event_id)
      select ${order.id}, ${order.userId}, id, title, price, buyer_fee, user_id, seller_fee, currency, 'created',
        now() + make_interval(secs => ${order.holdSeconds}), 0, event_id
      from ticket
      returning *
    )
    select placed.*, ticket.version as ticket_version from placed, ticket`.execute(db)
  return rows[0]
}

/** Whether another buyer has an active (open or complete) order for the ticket, by the unique index's rows. */
export async function isHeldByAnother(
  db: Kysely<Database>,
  ticketId: string,
  buyerId: string,
): Promise<boolean> {
  const { rows } = await sql<{ user_id: string }>`
    select user_id from orders
    where ticket_id = ${ticketId}
      and (status in ('created', 'awaiting:payment') or (status = 'complete' and resold_at is null))`.execute(
    db,
  )
  return rows.some((row) => row.user_id !== buyerId)
}

/**
 * Makes the buyer's reservations take turns until the caller's transaction ends (a transaction-scoped advisory
 * lock: orders has no row per buyer to lock), so counting their open orders and placing one cannot interleave.
 */
export async function lockBuyerReservations(db: Kysely<Database>, userId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`open-orders:${userId}`}, 0))`.execute(db)
}

/** How many tickets of the event the buyer holds or has reserved: their open and complete orders of it. */
export async function countActiveOrdersOfEvent(
  db: Kysely<Database>,
  userId: string,
  eventId: string,
): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('event_id', '=', eventId)
    .where('user_id', '=', userId)
    .where('status', 'in', ['created', 'awaiting:payment', 'complete'])
    // A ticket they bought and put on sale again is no longer theirs to count.
    .where('resold_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** The event's orders that are open or complete, locked: its cancellation cancels each. */
export async function lockActiveOrdersOfEvent(db: Kysely<Database>, eventId: string): Promise<OrderRow[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('status', 'in', ['created', 'awaiting:payment', 'complete'])
    .orderBy('id')
    .forUpdate()
    .execute()
}

export async function countOpenOrdersOf(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('user_id', '=', userId)
    .where('status', 'in', OPEN_STATUSES)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export async function findOrder(
  db: Kysely<Database>,
  id: string,
  lock = false,
): Promise<OrderRow | undefined> {
  let query = db.selectFrom('orders').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** Moves an order to a new status, one version up. */
export async function setStatus(
  db: Kysely<Database>,
  order: OrderRow,
  status: OrderStatus,
  cancelReason: CancelReason | null = null,
): Promise<OrderRow> {
  return db
    .updateTable('orders')
    .set({ status, cancel_reason: cancelReason, version: order.version + 1 })
    .where('id', '=', order.id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A buyer's orders, newest first, a page at a time. */
export async function listOrdersOf(db: Kysely<Database>, userId: string, page: Page): Promise<OrderRow[]> {
  return newestFirst(db.selectFrom('orders').selectAll().where('user_id', '=', userId), page).execute()
}

/**
 * Marks the order's hold confirmed by tickets, if it is in one of the `from` statuses still (one statement, no
 * read). Not a new version: nothing another service keeps of the order changes, and their replicas apply
 * versions without gaps.
 */
export async function markHoldConfirmed(
  db: Kysely<Database>,
  id: string,
  from: readonly OrderStatus[],
): Promise<void> {
  await db
    .updateTable('orders')
    .set({ status: 'awaiting:payment' })
    .where('id', '=', id)
    .where('status', 'in', from)
    .execute()
}

/** The order, locked, with how long its hold still runs by the database's clock (negative once over). */
export async function findOrderWithHoldLeft(
  db: Kysely<Database>,
  id: string,
): Promise<(OrderRow & { hold_left_ms: number }) | undefined> {
  return db
    .selectFrom('orders')
    .selectAll()
    .select(sql<number>`extract(epoch from expires_at - now()) * 1000`.as('hold_left_ms'))
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

/**
 * Open orders whose hold ended more than `graceSeconds` ago by the database's clock, locked, skipping those
 * another sweeper holds.
 */
export async function claimOverdueOrders(
  db: Kysely<Database>,
  graceSeconds: number,
  limit: number,
): Promise<OrderRow[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('status', 'in', OPEN_STATUSES)
    .where('expires_at', '<', sql<Date>`now() - make_interval(secs => ${graceSeconds})`)
    .orderBy('expires_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute()
}

export async function findIdempotentResponse(db: Kysely<Database>, userId: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst()
}

/**
 * Takes the key for this request, in the caller's transaction; false when another request holds it. A
 * concurrent request with the same key waits here until the first one's transaction ends: then it finds the
 * key taken (the first committed) or takes it itself (the first rolled back).
 */
export async function claimIdempotencyKey(
  db: Kysely<Database>,
  entry: { userId: string; key: string; requestHash: string; statusCode: number },
): Promise<boolean> {
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({
      user_id: entry.userId,
      key: entry.key,
      request_hash: entry.requestHash,
      status_code: entry.statusCode,
      response: 'null',
    })
    .onConflict((conflict) => conflict.columns(['user_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst()
  return claimed !== undefined
}

/** Stores the answer under the key this request claimed, to be replayed to its retries. */
export async function saveIdempotentResponse(
  db: Kysely<Database>,
  entry: { userId: string; key: string; response: unknown },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ response: JSON.stringify(entry.response) })
    .where('user_id', '=', entry.userId)
    .where('key', '=', entry.key)
    .execute()
}
