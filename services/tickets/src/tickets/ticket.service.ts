import { randomUUID } from 'node:crypto'
import {
  defaultDisplayName,
  eventOnSale,
  inTransaction,
  RetryLaterError,
  ValidationError,
  writeEvent,
  writeEvents,
  type CurrentUser,
  type EventData,
  type Page,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { TicketsContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { NotYoursError, TicketNotFoundError, TicketReservedError, TicketSoldError } from './ticket.errors.js'
import {
  findTicket,
  firstEventStart,
  insertTicket,
  isCancelledOrder,
  listTickets,
  rememberCancelledOrder,
  saveTicket,
} from './ticket.repository.js'
import { findEvent } from '../catalogue/event.repository.js'
import type { EventRow } from '../catalogue/event.table.js'
import { highestPriceUnder, overCapMessage, priceCapOf, describeCap } from '../catalogue/price-cap.js'
import { loadDisplayNames } from '../sellers/user-replica.js'
import { feesFor, type FeeRates } from '../fees/fees.js'
import { recordCustody } from '../holdings/custody.repository.js'
import {
  checkTicketInput,
  ticketJson,
  ticketStatus,
  type Ticket,
  type CheckedListing,
  type TicketEdit,
  type TicketInput,
} from './ticket.schemas.js'
import type { TicketRow } from './ticket.table.js'

/** Announces a ticket's state in the caller's transaction: minor units, orderId while an order holds it. */
export async function announce(
  trx: Kysely<Database>,
  type: 'ticket.created' | 'ticket.updated',
  ticket: TicketRow,
) {
  await writeEvent(trx, type, ticketState(ticket))
}

/** What ticket.created and ticket.updated say of a ticket. */
function ticketState(ticket: TicketRow): EventData<'ticket.updated'> {
  return {
    id: ticket.id,
    version: ticket.version,
    title: ticket.title,
    price: ticket.price,
    buyerFee: ticket.buyer_fee,
    sellerFee: ticket.seller_fee,
    currency: ticket.currency,
    userId: ticket.user_id,
    ...(ticket.holder_id !== null && { holderId: ticket.holder_id }),
    ...(ticket.order_id !== null && { orderId: ticket.order_id }),
    status: ticketStatus(ticket),
    ...(ticket.event_id !== null && { eventId: ticket.event_id }),
  }
}

export function feeRates(ctx: TicketsContext): FeeRates {
  return { buyerPercent: ctx.config.BUYER_FEE_PERCENT, sellerPercent: ctx.config.SELLER_FEE_PERCENT }
}

/**
 * The rules a listing of an event must also keep: the event exists and still sells tickets, and the price is
 * within its cap, measured against the face value (which a capped event requires).
 */
export function checkAgainstEvent(
  listing: Pick<CheckedListing, 'price' | 'faceValue'>,
  event: EventRow | undefined,
  currency: string,
  field: 'eventId' | undefined,
): void {
  if (!event) throw new ValidationError([{ field: 'eventId', message: 'Event not found' }])
  if (!eventOnSale(event)) {
    const message =
      event.status === 'cancelled'
        ? 'This event is cancelled: its tickets cannot be sold'
        : 'This event has started: its tickets can no longer be sold'
    throw new ValidationError([field ? { field, message } : { message }])
  }
  const cap = priceCapOf(event)
  if (cap.kind === 'none') return
  if (listing.faceValue === undefined) {
    throw new ValidationError([
      {
        field: 'faceValue',
        message: `Face value is required: resale of this event is capped at ${describeCap(cap)}`,
      },
    ])
  }
  const highest = highestPriceUnder(cap, listing.faceValue)!
  if (listing.price > highest) {
    throw new ValidationError([{ field: 'price', message: overCapMessage(cap, highest, currency) }])
  }
}

/** Tickets as the API shows them, each with its seller's display name. */
export async function ticketsJson(ctx: TicketsContext, tickets: TicketRow[]): Promise<Ticket[]> {
  const names = await ctx.cache.displayNames(
    tickets.map((ticket) => ticket.user_id),
    (missing) => loadDisplayNames(ctx.db, missing),
  )
  return tickets.map((ticket) =>
    ticketJson(ticket, names.get(ticket.user_id) ?? defaultDisplayName(ticket.user_id)),
  )
}

export async function oneTicketJson(ctx: TicketsContext, ticket: TicketRow): Promise<Ticket> {
  return (await ticketsJson(ctx, [ticket]))[0]!
}

/** The first page of everything on sale: the page every visitor sees, which the cache keeps. */
export function isFirstPageOnSale(filter: { sellerId?: string; search?: string }, page: Page): boolean {
  return !filter.sellerId && !filter.search && !page.after
}

export function listTicketsPage(
  ctx: TicketsContext,
  filter: { sellerId?: string; search?: string },
  page: Page,
): Promise<TicketRow[]> {
  if (!isFirstPageOnSale(filter, page)) return listTickets(ctx.db, filter, page)
  return ctx.cache.firstPage('tickets', page.size, async () => {
    const rows = await listTickets(ctx.db, filter, page)
    // No change to a row tells the cache when an event starts and its tickets leave the page: a time does.
    return { rows, validUntil: await firstEventStart(ctx.db, rows) }
  })
}

export async function getTicket(ctx: TicketsContext, id: string): Promise<TicketRow> {
  const ticket = await ctx.cache.ticket(id, () => findTicket(ctx.db, id))
  if (!ticket) throw new TicketNotFoundError()
  return ticket
}

/**
 * Lists a ticket for sale at version 0, in the configured currency, and announces it. A listing of an event
 * holds the event's row (shared) until it commits, so a cancellation, which withdraws the event's listings,
 * waits for it and withdraws it too.
 */
export async function createTicket(
  ctx: TicketsContext,
  seller: CurrentUser,
  input: TicketInput,
): Promise<TicketRow> {
  const currency = ctx.config.CURRENCY
  const listing = checkTicketInput(input, currency)
  const created = await inTransaction(ctx.db, async (trx) => {
    const event = input.eventId === undefined ? undefined : await findEvent(trx, input.eventId, 'share')
    if (input.eventId !== undefined) checkAgainstEvent(listing, event, currency, 'eventId')
    const ticket = await insertTicket(trx, {
      id: randomUUID(),
      title: listing.title ?? event!.name,
      price: listing.price,
      ...feesFor(listing.price, feeRates(ctx)),
      currency,
      user_id: seller.id,
      holder_id: seller.id,
      event_id: event?.id ?? null,
      section: listing.section ?? null,
      row: listing.row ?? null,
      seat: listing.seat ?? null,
      face_value: listing.faceValue ?? null,
    })
    await recordCustody(trx, {
      ticket_id: ticket.id,
      kind: 'listed',
      price: ticket.price,
      currency,
      from_user: seller.id,
    })
    await announce(trx, 'ticket.created', ticket)
    return ticket
  })
  ctx.cache.forget(created.id)
  return created
}

/**
 * The seller edits their ticket. Checked in this order: the input, that the ticket exists, that it is the
 * seller's, that it is not sold or reserved, the event's rules (its cap). The row is locked from the check to
 * the save, so a reservation arriving meanwhile waits for the edit (and is then refused if the price changed)
 * instead of slipping in between.
 */
export async function updateTicket(
  ctx: TicketsContext,
  seller: CurrentUser,
  id: string,
  input: TicketEdit,
): Promise<TicketRow> {
  const currency = ctx.config.CURRENCY
  const changes = checkTicketInput(input, currency, false)
  const updated = await inTransaction(ctx.db, async (trx) => {
    const ticket = await findTicket(trx, id, true)
    if (!ticket) throw new TicketNotFoundError()
    if (ticket.user_id !== seller.id) throw new NotYoursError()
    if (ticket.sold_at !== null) throw new TicketSoldError()
    if (ticket.order_id !== null) throw new TicketReservedError()
    if (ticket.event_id !== null) {
      const event = await findEvent(trx, ticket.event_id)
      checkAgainstEvent(
        { price: changes.price, faceValue: ticket.face_value ?? undefined },
        event,
        currency,
        undefined,
      )
    }
    const saved = await saveTicket(trx, id, {
      title: changes.title,
      price: changes.price,
      ...feesFor(changes.price, feeRates(ctx)),
    })
    await announce(trx, 'ticket.updated', saved)
    return saved
  })
  ctx.cache.forget(id)
  return updated
}

/**
 * An order was placed: hold its ticket for it, at the price the buyer saw. Runs in the listener's
 * transaction with the ticket row locked, so an edit or another order's event for the same ticket waits.
 * The hold is confirmed to orders (ticket.reservation-confirmed); a price that changed under the buyer is
 * refused instead (ticket.reservation-refused; orders cancels the order).
 */
export async function reserveTicketForOrder(
  trx: Kysely<Database>,
  order: EventData<'order.created'>,
): Promise<
  'reserved' | 'refused' | 'sold' | 'off_sale' | 'unknown_ticket' | 'order_over' | 'already_reserved'
> {
  const ticket = await findTicket(trx, order.ticket.id, true)
  if (!ticket) return 'unknown_ticket'
  // Its cancellation overtook it: the order is already over, the ticket stays as it is. A statement of its own,
  // after the lock: folded into the locked read, it would see the data as of before a cancellation that
  // committed while that read waited for the lock.
  if (await isCancelledOrder(trx, order.id)) return 'order_over'
  if (ticket.order_id === order.id) return 'already_reserved' // applied already, under another event id
  if (ticket.sold_at !== null) {
    // A sale is final: no cancellation will free the ticket, so waiting for one would only hold this buyer
    // until the retry budget runs out. Refused at once; orders cancels the order.
    await writeEvent(trx, 'ticket.reservation-refused', {
      ticketId: ticket.id,
      orderId: order.id,
      reason: 'sold',
    })
    return 'sold'
  }
  const event = ticket.event_id === null ? undefined : await findEvent(trx, ticket.event_id)
  if (ticket.withdrawn_at !== null || (event && !eventOnSale(event))) {
    // Off sale for good (until its holder lists it again): waiting would only hold the buyer.
    await writeEvent(trx, 'ticket.reservation-refused', {
      ticketId: ticket.id,
      orderId: order.id,
      reason: ticket.withdrawn_at !== null ? 'withdrawn' : 'event_over',
    })
    return 'off_sale'
  }
  if (ticket.order_id !== null) {
    // orders allows one active order per ticket, so the order holding it has been cancelled and its
    // order.cancelled is on its way (events on different subjects arrive in any order): wait for it.
    throw new RetryLaterError(`ticket ${ticket.id} is still held by order ${ticket.order_id}`)
  }
  const total = ticket.price + ticket.buyer_fee
  if (order.ticket.price !== ticket.price || (order.total !== undefined && order.total !== total)) {
    // The seller changed the price while orders' replica still had the old one: the buyer did not agree
    // to this price, so no reservation.
    await writeEvent(trx, 'ticket.reservation-refused', {
      ticketId: ticket.id,
      orderId: order.id,
      reason: 'price_changed',
    })
    return 'refused'
  }
  const reserved = await saveTicket(trx, ticket.id, { order_id: order.id })
  // orders completes the order on its payment only after the confirmation: a paid order is always a held
  // ticket. Both events in one statement: this runs for every reservation.
  await writeEvents(trx, [
    { type: 'ticket.updated', data: ticketState(reserved) },
    { type: 'ticket.reservation-confirmed', data: { ticketId: ticket.id, orderId: order.id } },
  ])
  return 'reserved'
}

/**
 * An order was cancelled: put its ticket back on sale, but only if that order still holds it. A late
 * cancellation must never free a ticket a newer order holds, nor one sold to this order: a completed order is
 * cancelled only when its event is (the sale is undone and refunded: the ticket is withdrawn with the event's
 * others), so any other cancellation of one means orders and tickets disagree, and the sale stands. The order
 * is remembered as cancelled, so its order.created, should it arrive after this, reserves nothing.
 */
export async function releaseTicketOfCancelledOrder(
  trx: Kysely<Database>,
  order: EventData<'order.cancelled'>,
): Promise<'released' | 'not_held' | 'sold' | 'sale_undone'> {
  // The ticket row is locked first, as in reserveTicketForOrder: both run one after the other for a ticket.
  const ticket = await findTicket(trx, order.ticket.id, true)
  await rememberCancelledOrder(trx, order.id)
  if (ticket?.order_id !== order.id) return 'not_held'
  if (ticket.sold_at !== null) {
    if (order.reason !== 'event_cancelled') return 'sold'
    // Refunded: the buyer holds nothing, and their credential is superseded.
    const undone = {
      order_id: null,
      sold_at: null,
      withdrawn_at: new Date(),
      holder_id: ticket.user_id,
      holding: ticket.holding + 1,
    }
    await announce(trx, 'ticket.updated', await saveTicket(trx, ticket.id, undone))
    return 'sale_undone'
  }
  // A ticket of an event cancelled while this order held it goes off sale with the event's other listings.
  // The event's row is shared-locked: a cancellation committing meanwhile is waited for, and one that comes
  // after waits for this release, then withdraws the ticket itself.
  const event = ticket.event_id === null ? undefined : await findEvent(trx, ticket.event_id, 'share')
  const withdrawn = event?.status === 'cancelled' ? { withdrawn_at: new Date() } : {}
  await announce(trx, 'ticket.updated', await saveTicket(trx, ticket.id, { order_id: null, ...withdrawn }))
  return 'released'
}

/**
 * An order was paid and completed: the ticket it holds is sold to it, off sale for good, one version up
 * and announced. Only the order holding the ticket can complete it; any other completion means orders and
 * tickets disagree (`not_held`) and changes nothing here, for a person to look into.
 */
export async function sellTicketToCompletedOrder(
  trx: Kysely<Database>,
  order: EventData<'order.completed'>,
): Promise<'sold' | 'already_sold' | 'not_held' | 'unknown_ticket'> {
  const ticket = await findTicket(trx, order.ticket.id, true)
  if (!ticket) return 'unknown_ticket'
  if (ticket.order_id !== order.id) return 'not_held'
  if (ticket.sold_at !== null) return 'already_sold' // applied already, under another event id
  // The buyer holds it now (orders written before holdings did not say who bought: then nobody known).
  const buyer = order.userId ?? null
  const sold = await saveTicket(trx, ticket.id, {
    sold_at: new Date(),
    holder_id: buyer,
    holding: ticket.holding + 1,
  })
  await recordCustody(trx, {
    ticket_id: ticket.id,
    kind: 'sold',
    price: ticket.price,
    currency: ticket.currency,
    from_user: ticket.user_id,
    to_user: buyer,
  })
  await announce(trx, 'ticket.updated', sold)
  return 'sold'
}
