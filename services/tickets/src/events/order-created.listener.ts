import { RetryLaterError, writeEvent, type EventHandler, type EventLogger } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { findTicket, isCancelledOrder } from '../tickets/ticket.repository.js'
import { reserveTicket } from '../tickets/ticket.service.js'

/**
 * An order was placed: hold its ticket for it, at the price the buyer saw. Runs in the listener's
 * transaction with the ticket row locked, so an edit or another order's event for the same ticket waits.
 */
export function onOrderCreated(log?: EventLogger): EventHandler<'order.created', Database> {
  return async (event, trx) => {
    const order = event.data
    const ticket = await findTicket(trx, order.ticket.id, true)
    if (!ticket) {
      // orders only sells tickets it heard about from us; this one is not ours (a wiped database, say).
      log?.warn(
        { orderId: order.id, ticketId: order.ticket.id },
        'order.created for an unknown ticket: ignored',
      )
      return
    }
    // Its cancellation overtook it: the order is already over, the ticket stays as it is.
    if (await isCancelledOrder(trx, order.id)) return
    if (ticket.order_id === order.id) return // applied already, under another event id
    if (ticket.order_id !== null) {
      // orders allows one active order per ticket, so the order holding it has been cancelled and its
      // order.cancelled is on its way (events on different subjects arrive in any order): wait for it.
      throw new RetryLaterError(`ticket ${ticket.id} is still held by order ${ticket.order_id}`)
    }
    if (order.ticket.price !== ticket.price) {
      // The seller changed the price while orders' replica still had the old one: the buyer did not agree
      // to this price, so no reservation; orders cancels the order.
      await writeEvent(trx, 'ticket.reservation-refused', {
        ticketId: ticket.id,
        orderId: order.id,
        reason: 'price_changed',
      })
      return
    }
    await reserveTicket(trx, ticket.id, order.id)
  }
}
