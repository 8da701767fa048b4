import { newestFirst, type Page } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { NewTicketRow, TicketRow, TicketUpdate } from './ticket.table.js'

export async function insertTicket(db: Kysely<Database>, ticket: NewTicketRow): Promise<TicketRow> {
  return db.insertInto('tickets').values(ticket).returningAll().executeTakeFirstOrThrow()
}

/** With `lock`, the row stays locked until the transaction ends: edits and reservations of it queue. */
export async function findTicket(
  db: Kysely<Database>,
  id: string,
  lock = false,
): Promise<TicketRow | undefined> {
  let query = db.selectFrom('tickets').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** Saves a change to a ticket, one version up: every saved change is a new version. */
export async function saveTicket(
  db: Kysely<Database>,
  id: string,
  changes: TicketUpdate,
): Promise<TicketRow> {
  return db
    .updateTable('tickets')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** An `ilike` pattern for titles containing `text`, in which its own %, _ and backslash match themselves. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (special) => `\\${special}`)}%`
}

/**
 * Newest first, a page at a time: the tickets for sale, or with `sellerId` every ticket of that seller,
 * reserved ones included; `search` keeps those whose title contains it. Each has an index of its own (see
 * the migrations).
 */
export async function listTickets(
  db: Kysely<Database>,
  filter: { sellerId?: string; search?: string },
  page: Page,
): Promise<TicketRow[]> {
  let query = db.selectFrom('tickets').selectAll()
  query = filter.sellerId ? query.where('user_id', '=', filter.sellerId) : query.where('order_id', 'is', null)
  if (filter.search) query = query.where('title', 'ilike', containing(filter.search))
  return newestFirst(query, page).execute()
}

/** Remembers that an order was cancelled; a second cancellation of it changes nothing. */
export async function rememberCancelledOrder(db: Kysely<Database>, orderId: string): Promise<void> {
  await db
    .insertInto('cancelled_orders')
    .values({ order_id: orderId })
    .onConflict((conflict) => conflict.doNothing())
    .execute()
}

export async function isCancelledOrder(db: Kysely<Database>, orderId: string): Promise<boolean> {
  const row = await db
    .selectFrom('cancelled_orders')
    .select('order_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst()
  return row !== undefined
}
