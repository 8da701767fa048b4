import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { refuseReservation } from '../orders/order.service.js'

/** tickets refused the reservation: the price changed under the buyer, so the order is cancelled. */
export const onTicketReservationRefused: EventHandler<'ticket.reservation-refused', Database> = async (
  event,
  trx,
) => {
  await refuseReservation(trx, event.data.orderId)
}
