import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { releaseTicketOfCancelledOrder } from '../tickets/ticket.service.js'

/** An order was cancelled: its ticket goes back on sale if that order still holds it (ticket.service decides). */
export const onOrderCancelled: EventHandler<'order.cancelled', Database> = async (event, trx, log) => {
  const order = event.data
  const outcome = await releaseTicketOfCancelledOrder(trx, order)
  if (outcome === 'sold') {
    // orders cancels a complete order only when its event is cancelled: the two services disagree about this
    // sale.
    log.error(
      { orderId: order.id, ticketId: order.ticket.id, reason: order.reason },
      'order.cancelled for an order the ticket was sold to: the sale stands',
    )
  }
}
