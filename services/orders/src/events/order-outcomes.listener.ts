import { writeEvent, type EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { findOrder, setStatus } from '../orders/order.repository.js'
import { cancelOpenOrder } from '../orders/order.service.js'
import { OPEN_STATUSES } from '../orders/order.table.js'

/** tickets refused the reservation: the price changed under the buyer, so the order is cancelled. */
export const onReservationRefused: EventHandler<'ticket.reservation-refused', Database> = async (
  event,
  trx,
) => {
  const order = await findOrder(trx, event.data.orderId, true)
  if (order) await cancelOpenOrder(trx, order, 'ticket_changed')
}

/** The hold ran out: cancel, unless the order was paid in time. */
export const onExpirationCompleted: EventHandler<'expiration.completed', Database> = async (event, trx) => {
  const order = await findOrder(trx, event.data.orderId, true)
  if (order) await cancelOpenOrder(trx, order, 'expired')
}

/**
 * A charge succeeded. It completes the order only while the order is open; a payment that lost the race
 * against expiry or cancellation is refused, and payments refunds it.
 */
export const onPaymentCreated: EventHandler<'payment.created', Database> = async (event, trx) => {
  const order = await findOrder(trx, event.data.orderId, true)
  if (order && (OPEN_STATUSES as readonly string[]).includes(order.status)) {
    const completed = await setStatus(trx, order, 'complete')
    await writeEvent(trx, 'order.completed', {
      id: completed.id,
      version: completed.version,
      ticket: { id: completed.ticket_id },
    })
    return
  }
  // Cancelled, expired, or already complete through another payment: this charge must be refunded.
  await writeEvent(trx, 'order.payment-refused', { orderId: event.data.orderId, paymentId: event.data.id })
}
