import {
  defaultDisplayName,
  eventOnSale,
  inTransaction,
  newestFirst,
  toMajorUnits,
  ValidationError,
  type CurrentUser,
  type Page,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { TicketsContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { findEvent } from '../catalogue/event.repository.js'
import { feesFor } from '../fees/fees.js'
import { loadDisplayNames } from '../sellers/user-replica.js'
import {
  NotYoursError,
  TicketNotFoundError,
  TicketNotOnSaleError,
  TicketOnSaleError,
  TicketReservedError,
} from '../tickets/ticket.errors.js'
import { findTicket, saveTicket } from '../tickets/ticket.repository.js'
import { checkTicketInput, ticketStatus } from '../tickets/ticket.schemas.js'
import { announce, checkAgainstEvent, feeRates } from '../tickets/ticket.service.js'
import type { TicketRow } from '../tickets/ticket.table.js'
import { custodyOf, findMemberByEmail, recordCustody } from './custody.repository.js'
import { readCredential, signCredential } from './credentials.js'
import type { CustodyStep, RelistBody, TransferBody, Verdict } from './holding.schemas.js'

/** The caller's holdings: every ticket they hold, listed or not, newest first. */
export async function listHoldings(
  ctx: TicketsContext,
  holder: CurrentUser,
  page: Page,
): Promise<TicketRow[]> {
  return newestFirst(
    ctx.db.selectFrom('tickets').selectAll().where('holder_id', '=', holder.id),
    page,
  ).execute()
}

/**
 * A held ticket, locked for a change by its holder: 404 missing, 401 someone else's, 400 reserved (an order
 * holds it). The lock makes a reservation arriving meanwhile wait for the change.
 */
async function heldTicket(trx: Kysely<Database>, holder: CurrentUser, id: string): Promise<TicketRow> {
  const ticket = await findTicket(trx, id, true)
  if (!ticket) throw new TicketNotFoundError()
  if (ticket.holder_id !== holder.id) throw new NotYoursError()
  if (ticket.order_id !== null && ticket.sold_at === null) {
    throw new TicketReservedError({ message: 'A buyer is holding this ticket right now' })
  }
  return ticket
}

/**
 * Its event, if it has one, refusing a change once the event is cancelled or has started. The event's row is
 * held shared until the change commits, as a new listing holds it: a cancellation committing meanwhile is
 * waited for (and then refuses this), and one that comes after waits for this and withdraws what it listed.
 */
async function eventStillOn(trx: Kysely<Database>, ticket: TicketRow, what: string) {
  if (ticket.event_id === null) return undefined
  const event = await findEvent(trx, ticket.event_id, 'share')
  if (event && !eventOnSale(event)) {
    const why = event.status === 'cancelled' ? 'its event is cancelled' : 'its event has started'
    throw new TicketNotOnSaleError({ message: `This ticket cannot be ${what}: ${why}` })
  }
  return event
}

/**
 * The holder puts a held ticket (sold to them, or withdrawn) on sale again, and becomes its seller: a new
 * listing at a new price with its own fees, within its event's cap measured against the original face value.
 */
export async function relistTicket(
  ctx: TicketsContext,
  holder: CurrentUser,
  id: string,
  body: RelistBody,
): Promise<TicketRow> {
  const currency = ctx.config.CURRENCY
  const { price } = checkTicketInput({ title: '', price: body.price }, currency, true)
  const relisted = await inTransaction(ctx.db, async (trx) => {
    const ticket = await heldTicket(trx, holder, id)
    if (ticketStatus(ticket) === 'available')
      throw new TicketOnSaleError({ message: 'This ticket is already on sale' })
    const event = await eventStillOn(trx, ticket, 'sold')
    if (event)
      checkAgainstEvent({ price, faceValue: ticket.face_value ?? undefined }, event, currency, undefined)
    const saved = await saveTicket(trx, id, {
      user_id: holder.id,
      price,
      ...feesFor(price, feeRates(ctx)),
      order_id: null,
      sold_at: null,
      withdrawn_at: null,
    })
    await recordCustody(trx, { ticket_id: id, kind: 'listed', price, currency, from_user: holder.id })
    await announce(trx, 'ticket.updated', saved)
    return saved
  })
  ctx.cache.forget(id)
  return relisted
}

/** The seller takes their listing off sale; they still hold the ticket, and may list it again. */
export async function withdrawTicket(
  ctx: TicketsContext,
  seller: CurrentUser,
  id: string,
): Promise<TicketRow> {
  const withdrawn = await inTransaction(ctx.db, async (trx) => {
    const ticket = await heldTicket(trx, seller, id)
    const status = ticketStatus(ticket)
    if (status === 'withdrawn') return ticket // withdrawn already: nothing to do
    if (status !== 'available') throw new TicketNotOnSaleError({ message: 'This ticket is not on sale' })
    const saved = await saveTicket(trx, id, { withdrawn_at: new Date() })
    await announce(trx, 'ticket.updated', saved)
    return saved
  })
  ctx.cache.forget(id)
  return withdrawn
}

/**
 * The holder gives a held ticket to another member, named by email (found in tickets' own replica of
 * members). Not while it is on sale or reserved. The recipient holds it from the moment this commits; the
 * giver's credential is superseded then.
 */
export async function transferTicket(
  ctx: TicketsContext,
  holder: CurrentUser,
  id: string,
  body: TransferBody,
): Promise<TicketRow> {
  const transferred = await inTransaction(ctx.db, async (trx) => {
    const ticket = await heldTicket(trx, holder, id)
    if (ticketStatus(ticket) === 'available') throw new TicketOnSaleError()
    await eventStillOn(trx, ticket, 'given away')
    const recipient = await findMemberByEmail(trx, body.email)
    if (!recipient) {
      throw new ValidationError([{ field: 'email', message: 'No member has this email address' }])
    }
    if (recipient === holder.id) {
      throw new ValidationError([{ field: 'email', message: 'This ticket is already yours' }])
    }
    const saved = await saveTicket(trx, id, { holder_id: recipient, holding: ticket.holding + 1 })
    await recordCustody(trx, { ticket_id: id, kind: 'transferred', from_user: holder.id, to_user: recipient })
    await announce(trx, 'ticket.updated', saved)
    return saved
  })
  ctx.cache.forget(id)
  return transferred
}

/** Every listing, sale and transfer of a ticket, oldest first, with the members' display names. */
export async function custodyHistory(ctx: TicketsContext, id: string): Promise<CustodyStep[]> {
  const ticket = await findTicket(ctx.db, id)
  if (!ticket) throw new TicketNotFoundError()
  const steps = await custodyOf(ctx.db, id)
  const ids = steps.flatMap((step) => [step.from_user, step.to_user]).filter((user) => user !== null)
  const names = await loadDisplayNames(ctx.db, [...new Set(ids)])
  const party = (user: string | null) =>
    user === null ? undefined : { displayName: names.get(user) ?? defaultDisplayName(user) }
  return steps.map((step) => ({
    kind: step.kind,
    at: step.at.toISOString(),
    ...(step.price !== null &&
      step.currency !== null && { price: toMajorUnits(step.price, step.currency), currency: step.currency }),
    ...(step.from_user !== null && { from: party(step.from_user) }),
    ...(step.to_user !== null && { to: party(step.to_user) }),
  }))
}

/** How long after its start an event is taken to be over: door staff still scan late arrivals until then. */
const EVENT_LASTS_HOURS = 12

/** The holder's entry credential for the ticket, for its current holding: a sale or a transfer supersedes it. */
export async function issueCredential(ctx: TicketsContext, holder: CurrentUser, id: string): Promise<string> {
  const ticket = await findTicket(ctx.db, id)
  if (!ticket) throw new TicketNotFoundError()
  if (ticket.holder_id !== holder.id) throw new NotYoursError()
  return signCredential(ctx.credentialKeys, { ticketId: id, holderId: holder.id, holding: ticket.holding })
}

/**
 * What the door says of a credential: valid only if we signed it and the ticket is still in the holding it
 * names, held by the member it names; `event_over` once its event was cancelled or ended.
 */
export async function verifyCredential(ctx: TicketsContext, credential: string): Promise<Verdict> {
  const claims = await readCredential(ctx.credentialKeys, credential)
  if (!claims) return { valid: false, reason: 'invalid' }
  const ticket = await findTicket(ctx.db, claims.ticketId)
  if (!ticket) return { valid: false, reason: 'invalid' }
  const verdict = { ticketId: ticket.id }
  if (ticket.holding !== claims.holding || ticket.holder_id !== claims.holderId) {
    return { valid: false, reason: 'superseded', ...verdict }
  }
  const event = ticket.event_id === null ? undefined : await findEvent(ctx.db, ticket.event_id)
  const over =
    event &&
    (event.status === 'cancelled' || event.starts_at.getTime() + EVENT_LASTS_HOURS * 3_600_000 < Date.now())
  if (over) return { valid: false, reason: 'event_over', ...verdict }
  return { valid: true, ...verdict }
}
