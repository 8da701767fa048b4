import { inTransaction, writeEvent, type KeyedCursor, type Page } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { TicketsContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { announce } from '../tickets/ticket.service.js'
import type { TicketRow } from '../tickets/ticket.table.js'
import { EventCancelledError, EventNotFoundError } from './event.errors.js'
import {
  findEvent,
  findEventWithListings,
  insertEvent,
  listEventTickets,
  listUpcomingEvents,
  saveEvent,
  withdrawListingsOf,
  type EventFilter,
} from './event.repository.js'
import { checkEventInput, type EventInput } from './event.schemas.js'
import type { EventRow, EventWithListings } from './event.table.js'
import { priceCapOf } from './price-cap.js'

/** Announces an event's state in the caller's transaction: what orders and payments keep of it. */
async function announceEvent(
  trx: Kysely<Database>,
  type: 'event.created' | 'event.updated' | 'event.cancelled',
  event: EventRow,
) {
  await writeEvent(trx, type, {
    id: event.id,
    version: event.version,
    name: event.name,
    venue: event.venue,
    city: event.city,
    startsAt: event.starts_at.toISOString(),
    status: event.status,
    priceCap: priceCapOf(event),
  })
}

/** Upcoming events; the first page with no filter, which every visitor of the home page sees, from memory. */
export function listEventsPage(
  ctx: TicketsContext,
  filter: EventFilter,
  page: Page<KeyedCursor>,
): Promise<EventWithListings[]> {
  const filtered = Object.values(filter).some((value) => value !== undefined)
  if (filtered || page.after) return listUpcomingEvents(ctx.db, filter, page)
  return ctx.cache.firstPage('events', page.size, async () => {
    const rows = await listUpcomingEvents(ctx.db, filter, page)
    // The first event leaves the page when it starts: no row changes then, the clock does.
    return { rows, ...(rows[0] && { validUntil: rows[0].starts_at }) }
  })
}

export async function getEvent(ctx: TicketsContext, id: string): Promise<EventWithListings> {
  const event = await findEventWithListings(ctx.db, id)
  if (!event) throw new EventNotFoundError()
  return event
}

export async function listTicketsOfEvent(
  ctx: TicketsContext,
  id: string,
  filter: { maxPrice?: number; section?: string },
  page: Page<KeyedCursor>,
): Promise<TicketRow[]> {
  const event = await findEvent(ctx.db, id)
  if (!event) throw new EventNotFoundError()
  return listEventTickets(ctx.db, event, filter, page)
}

/** Adds an event to the catalogue (admin) at version 0 and announces it. */
export async function createEvent(ctx: TicketsContext, input: EventInput): Promise<EventWithListings> {
  const event = checkEventInput(input, true)
  const created = await inTransaction(ctx.db, async (trx) => {
    const row = await insertEvent(trx, event)
    await announceEvent(trx, 'event.created', row)
    return row
  })
  ctx.cache.forget(created.id)
  return { ...created, listing_count: 0, lowest_price: null }
}

/**
 * Edits an event (admin), one version up, and announces it; a cancelled one stays as it is. A lowered cap
 * applies to listings made or edited from now on: a listing already on sale keeps its price.
 */
export async function updateEvent(
  ctx: TicketsContext,
  id: string,
  input: EventInput,
): Promise<EventWithListings> {
  const { id: _unused, ...changes } = checkEventInput(input, false)
  await inTransaction(ctx.db, async (trx) => {
    const event = await findEvent(trx, id, 'update')
    if (!event) throw new EventNotFoundError()
    if (event.status === 'cancelled') throw new EventCancelledError()
    const moved = changes.starts_at !== undefined && changes.starts_at.getTime() !== event.starts_at.getTime()
    const firstStart = moved && event.first_starts_at === null ? { first_starts_at: event.starts_at } : {}
    await announceEvent(trx, 'event.updated', await saveEvent(trx, id, { ...changes, ...firstStart }))
  })
  ctx.cache.forget(id)
  return getEvent(ctx, id)
}

/**
 * Cancels an event (admin): in one transaction its status, every listing on sale withdrawn, and the events
 * that tell orders (which cancels the open orders and, through payments, refunds the paid ones) and every
 * replica. A ticket an order holds is withdrawn when that order's cancellation releases it. Cancelling again
 * changes nothing.
 */
export async function cancelEvent(ctx: TicketsContext, id: string): Promise<EventWithListings> {
  await inTransaction(ctx.db, async (trx) => {
    const event = await findEvent(trx, id, 'update')
    if (!event) throw new EventNotFoundError()
    if (event.status === 'cancelled') return
    const cancelled = await saveEvent(trx, id, { status: 'cancelled' })
    for (const ticket of await withdrawListingsOf(trx, id)) await announce(trx, 'ticket.updated', ticket)
    await announceEvent(trx, 'event.cancelled', cancelled)
  })
  ctx.cache.forget(id)
  return getEvent(ctx, id)
}
