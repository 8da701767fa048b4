import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { confirmReservation } from '../orders/order.service.js'

/** tickets holds the ticket for the order: the order now awaits its payment, which completes it. */
export const onTicketReservationConfirmed: EventHandler<'ticket.reservation-confirmed', Database> = async (
  event,
  trx,
) => {
  await confirmReservation(trx, event.data.orderId)
}
