import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { reserveTicketForOrder } from '../tickets/ticket.service.js'

/** An order was placed: its ticket is held for it, at the price the buyer saw (ticket.service decides). */
export const onOrderCreated: EventHandler<'order.created', Database> = async (event, trx, log) => {
  const order = event.data
  const outcome = await reserveTicketForOrder(trx, order)
  if (outcome === 'unknown_ticket') {
    // orders only sells tickets it heard about from us; this one is not ours (a wiped database, say).
    log.warn({ orderId: order.id, ticketId: order.ticket.id }, 'order.created for an unknown ticket: ignored')
  } else if (outcome === 'sold') {
    // orders counts a complete order as the ticket's active one: it should never have taken this order.
    log.error({ orderId: order.id, ticketId: order.ticket.id }, 'order.created for a sold ticket: refused')
  }
}
