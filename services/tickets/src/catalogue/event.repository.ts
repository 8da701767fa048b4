import { eventOnSale, orderedPage, type KeyedCursor, type Page } from '@ticketing/common'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { TicketRow } from '../tickets/ticket.table.js'
import type { EventRow, EventUpdate, EventWithListings, NewEventRow } from './event.table.js'

/**
 * The events' tickets on sale now, counted and the cheapest, read with them in one grouped query over the
 * index on (event_id, price): always exact, and no per-event counter row for every reservation to queue on
 * (decision 22). One query for a page, not one per event: whatever the planner guesses of an event's
 * listings, it reads them once. An event that started has none on sale.
 */
async function withListings(db: Kysely<Database>, events: EventRow[]): Promise<EventWithListings[]> {
  const selling = events.filter((event) => event.starts_at.getTime() > Date.now()).map((event) => event.id)
  const figures = selling.length === 0 ? [] : await listingFiguresQuery(db, selling).execute()
  const byEvent = new Map(figures.map((row) => [row.event_id, row]))
  return events.map((event) => ({
    ...event,
    listing_count: Number(byEvent.get(event.id)?.listing_count ?? 0),
    lowest_price: byEvent.get(event.id)?.lowest_price ?? null,
  }))
}

/** The query of withListings, apart so that a test can EXPLAIN it. */
export function listingFiguresQuery(db: Kysely<Database>, eventIds: string[]) {
  return db
    .selectFrom('tickets')
    .select((eb) => [
      'event_id',
      eb.fn.countAll<number>().as('listing_count'),
      // All-in: what a buyer would pay.
      eb.fn.min<number>(sql`price + buyer_fee`).as('lowest_price'),
    ])
    .where('event_id', 'in', eventIds)
    .where('order_id', 'is', null)
    .where('withdrawn_at', 'is', null)
    .groupBy('event_id')
    .$narrowType<{ event_id: string }>()
}

export async function insertEvent(db: Kysely<Database>, event: NewEventRow): Promise<EventRow> {
  return db.insertInto('events').values(event).returningAll().executeTakeFirstOrThrow()
}

/** With `lock`: `update` (an edit or a cancel, which wait for each other) or `share` (a listing being made). */
export async function findEvent(
  db: Kysely<Database>,
  id: string,
  lock?: 'update' | 'share',
): Promise<EventRow | undefined> {
  let query = db.selectFrom('events').selectAll().where('id', '=', id)
  if (lock === 'update') query = query.forUpdate()
  if (lock === 'share') query = query.forShare()
  return query.executeTakeFirst()
}

export async function findEventWithListings(
  db: Kysely<Database>,
  id: string,
): Promise<EventWithListings | undefined> {
  const event = await findEvent(db, id)
  return event && (await withListings(db, [event]))[0]
}

export async function saveEvent(db: Kysely<Database>, id: string, changes: EventUpdate): Promise<EventRow> {
  return db
    .updateTable('events')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** `text` as a `like` pattern matching it anywhere, its own %, _ and backslash matching themselves. */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (special) => `\\${special}`)}%`
}

/** The words of a search, lower-cased, at most eight: each must appear, in any order. */
export function searchWords(q: string): string[] {
  return q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)
}

export interface EventFilter {
  q?: string
  city?: string
  category?: string
  /** YYYY-MM-DD, in each event's own zone. */
  from?: string
  to?: string
}

/**
 * Upcoming events (not cancelled, not started), soonest first, a page at a time. `from`/`to` are days where
 * the event takes place: the instant is bounded coarsely (which the index serves) and then exactly, by its
 * local date in its own zone.
 */
export async function listUpcomingEvents(
  db: Kysely<Database>,
  filter: EventFilter,
  page: Page<KeyedCursor>,
): Promise<EventWithListings[]> {
  return withListings(db, await upcomingEventsQuery(db, filter, page).execute())
}

/** The query of listUpcomingEvents, apart so that a test can EXPLAIN it. */
export function upcomingEventsQuery(db: Kysely<Database>, filter: EventFilter, page: Page<KeyedCursor>) {
  let query = db
    .selectFrom('events')
    .selectAll()
    .where('status', '<>', 'cancelled')
    .where('starts_at', '>', sql<Date>`now()`)
  if (filter.city) query = query.where(sql`lower(city)`, '=', filter.city.trim().toLowerCase())
  if (filter.category) query = query.where('category', '=', filter.category as EventRow['category'])
  for (const word of searchWords(filter.q ?? '')) query = query.where('search_text', 'like', containing(word))
  // Local clocks are at most 14 hours from UTC: the coarse bound on the instant, which the index serves.
  if (filter.from) {
    query = query
      .where(
        'starts_at',
        '>=',
        sql<Date>`(${filter.from}::timestamp at time zone 'UTC') - interval '14 hours'`,
      )
      .where(sql`(starts_at at time zone timezone)::date`, '>=', sql`${filter.from}::date`)
  }
  if (filter.to) {
    query = query
      .where(
        'starts_at',
        '<',
        sql<Date>`(${filter.to}::timestamp at time zone 'UTC') + interval '1 day 14 hours'`,
      )
      .where(sql`(starts_at at time zone timezone)::date`, '<=', sql`${filter.to}::date`)
  }
  return orderedPage(query, page, sql.ref('starts_at'), 'asc')
}

/** An event's tickets on sale, cheapest all-in first; none once it started. */
export async function listEventTickets(
  db: Kysely<Database>,
  event: EventRow,
  filter: { maxPrice?: number; section?: string },
  page: Page<KeyedCursor>,
): Promise<TicketRow[]> {
  if (!eventOnSale(event)) return []
  return eventTicketsQuery(db, event.id, filter, page).execute()
}

/** The query of listEventTickets, apart so that a test can EXPLAIN it. */
export function eventTicketsQuery(
  db: Kysely<Database>,
  eventId: string,
  filter: { maxPrice?: number; section?: string },
  page: Page<KeyedCursor>,
) {
  let query = db
    .selectFrom('tickets')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('order_id', 'is', null)
    .where('withdrawn_at', 'is', null)
  // maxPrice bounds the all-in price; the bound on the price alone (a fee is never negative) lets the index
  // stop at it.
  if (filter.maxPrice !== undefined) {
    query = query.where('price', '<=', filter.maxPrice).where(sql`price + buyer_fee`, '<=', filter.maxPrice)
  }
  if (filter.section) query = query.where(sql`lower(section)`, '=', filter.section.trim().toLowerCase())
  // Cheapest all-in first: a fee is a fixed percentage of the price, so the price orders all-in prices too.
  return orderedPage(query, page, sql.ref('price'), 'asc')
}

/** Takes every ticket of the event on sale off sale, one version up each; returns them, to be announced. */
export async function withdrawListingsOf(db: Kysely<Database>, eventId: string): Promise<TicketRow[]> {
  return db
    .updateTable('tickets')
    .set((eb) => ({ withdrawn_at: sql<Date>`now()`, version: eb('version', '+', 1) }))
    .where('event_id', '=', eventId)
    .where('order_id', 'is', null)
    .where('withdrawn_at', 'is', null)
    .returningAll()
    .execute()
}
