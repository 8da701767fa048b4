import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { cancelIfOpen } from '../orders/order.service.js'

/** tickets refused the reservation: the price changed under the buyer, so the order is cancelled. */
export const onTicketReservationRefused: EventHandler<'ticket.reservation-refused', Database> = async (
  event,
  trx,
) => {
  await cancelIfOpen(trx, event.data.orderId, 'ticket_changed')
}
