import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { sellTicketToCompletedOrder } from '../tickets/ticket.service.js'

/** An order was paid and completed: the ticket it holds is sold to it (ticket.service decides). */
export const onOrderCompleted: EventHandler<'order.completed', Database> = async (event, trx, log) => {
  const order = event.data
  const outcome = await sellTicketToCompletedOrder(trx, order)
  if (outcome === 'not_held' || outcome === 'unknown_ticket') {
    // orders completes an order only after we confirmed its hold: a paid order whose ticket we do not hold
    // for it is a disagreement between the two services, not something to retry.
    log.error(
      { orderId: order.id, ticketId: order.ticket.id, outcome },
      'order.completed for an order that does not hold its ticket: ignored',
    )
  }
}
