import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { findTicket, rememberCancelledOrder } from '../tickets/ticket.repository.js'
import { releaseTicket } from '../tickets/ticket.service.js'

/**
 * An order was cancelled: put its ticket back on sale, but only if that order still holds it. A late
 * cancellation must never free a ticket a newer order holds. The order is remembered as cancelled, so its
 * order.created, should it arrive after this, reserves nothing.
 */
export const onOrderCancelled: EventHandler<'order.cancelled', Database> = async (event, trx) => {
  const order = event.data
  // The ticket row is locked first, as in onOrderCreated: both handlers for a ticket run one after the other.
  const ticket = await findTicket(trx, order.ticket.id, true)
  await rememberCancelledOrder(trx, order.id)
  if (ticket?.order_id === order.id) await releaseTicket(trx, ticket.id)
}
