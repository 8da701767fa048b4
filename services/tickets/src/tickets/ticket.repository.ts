import { newestFirst, type Page } from '@ticketing/common'
import { sql, type Kysely } from 'kysely'
import { containing, searchWords } from '../catalogue/event.repository.js'
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

/**
 * Newest first, a page at a time: the tickets on sale (not held, not withdrawn, of no event or of one still
 * selling), or with `sellerId` every ticket of that seller, reserved ones included; `search` keeps those whose
 * title holds each of its words, in any order. Each has an index of its own (see the migrations).
 */
export async function listTickets(
  db: Kysely<Database>,
  filter: { sellerId?: string; search?: string },
  page: Page,
): Promise<TicketRow[]> {
  let query = db.selectFrom('tickets').selectAll()
  if (filter.sellerId) query = query.where('user_id', '=', filter.sellerId)
  else {
    query = query
      .where('order_id', 'is', null)
      .where('withdrawn_at', 'is', null)
      .where(
        sql<boolean>`(event_id is null or exists (select 1 from events e
           where e.id = tickets.event_id and e.starts_at > now() and e.status <> 'cancelled'))`,
      )
  }
  for (const word of searchWords(filter.search ?? '')) query = query.where('title', 'ilike', containing(word))
  return newestFirst(query, page).execute()
}

/** When the first of these tickets' events starts (their tickets then leave the list), if any has one. */
export async function firstEventStart(db: Kysely<Database>, tickets: TicketRow[]): Promise<Date | undefined> {
  const eventIds = [...new Set(tickets.flatMap((ticket) => (ticket.event_id ? [ticket.event_id] : [])))]
  if (eventIds.length === 0) return undefined
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min('starts_at').as('first'))
    .where('id', 'in', eventIds)
    .executeTakeFirst()
  return row?.first ?? undefined
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
