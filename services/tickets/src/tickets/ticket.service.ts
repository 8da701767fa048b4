import { randomUUID } from 'node:crypto'
import { inTransaction, writeEvent, type CurrentUser, type PageCursor } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { TicketsContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { NotYoursError, TicketNotFoundError, TicketReservedError } from './ticket.errors.js'
import { findTicket, insertTicket, listTickets, saveTicket } from './ticket.repository.js'
import { checkTicketInput, type TicketInput } from './ticket.schemas.js'
import type { TicketRow } from './ticket.table.js'

/** Announces a ticket's state in the caller's transaction: minor units, orderId only while reserved. */
async function announce(trx: Kysely<Database>, type: 'ticket.created' | 'ticket.updated', ticket: TicketRow) {
  await writeEvent(trx, type, {
    id: ticket.id,
    version: ticket.version,
    title: ticket.title,
    price: ticket.price,
    currency: ticket.currency,
    userId: ticket.user_id,
    ...(ticket.order_id !== null && { orderId: ticket.order_id }),
  })
}

export function listTicketsPage(
  ctx: TicketsContext,
  filter: { sellerId?: string; search?: string; limit: number; after?: PageCursor },
): Promise<TicketRow[]> {
  return listTickets(ctx.db, filter)
}

export async function getTicket(ctx: TicketsContext, id: string): Promise<TicketRow> {
  const ticket = await findTicket(ctx.db, id)
  if (!ticket) throw new TicketNotFoundError()
  return ticket
}

/** Lists a ticket for sale at version 0, in the configured currency, and announces it. */
export async function createTicket(
  ctx: TicketsContext,
  seller: CurrentUser,
  input: TicketInput,
): Promise<TicketRow> {
  const { title, price } = checkTicketInput(input)
  return inTransaction(ctx.db, async (trx) => {
    const ticket = await insertTicket(trx, {
      id: randomUUID(),
      title,
      price,
      currency: ctx.config.CURRENCY,
      user_id: seller.id,
    })
    await announce(trx, 'ticket.created', ticket)
    return ticket
  })
}

/**
 * The seller edits their ticket. Checked in this order: the input, that the ticket exists, that it is the
 * seller's, that it is not reserved. The row is locked from the check to the save, so a reservation arriving
 * meanwhile waits for the edit (and is then refused if the price changed) instead of slipping in between.
 */
export async function updateTicket(
  ctx: TicketsContext,
  seller: CurrentUser,
  id: string,
  input: TicketInput,
): Promise<TicketRow> {
  const changes = checkTicketInput(input)
  return inTransaction(ctx.db, async (trx) => {
    const ticket = await findTicket(trx, id, true)
    if (!ticket) throw new TicketNotFoundError()
    if (ticket.user_id !== seller.id) throw new NotYoursError()
    if (ticket.order_id !== null) throw new TicketReservedError()
    const updated = await saveTicket(trx, id, changes)
    await announce(trx, 'ticket.updated', updated)
    return updated
  })
}

/** Holds the ticket for an order, in the caller's transaction (a listener's), and announces it. */
export async function reserveTicket(trx: Kysely<Database>, ticketId: string, orderId: string) {
  await announce(trx, 'ticket.updated', await saveTicket(trx, ticketId, { order_id: orderId }))
}

/** Puts the ticket back on sale, in the caller's transaction, and announces it. */
export async function releaseTicket(trx: Kysely<Database>, ticketId: string) {
  await announce(trx, 'ticket.updated', await saveTicket(trx, ticketId, { order_id: null }))
}
