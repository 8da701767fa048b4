import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { releaseTicketOfCancelledOrder } from '../tickets/ticket.service.js'

/** An order was cancelled: its ticket goes back on sale if that order still holds it (ticket.service decides). */
export const onOrderCancelled: EventHandler<'order.cancelled', Database> = async (event, trx) => {
  await releaseTicketOfCancelledOrder(trx, event.data)
}
