/**
 * The order's life, in one place. Routes, listeners and the sweeper ask here which orders are open and
 * whether a move is allowed; nothing else decides it.
 *
 *   created ──▶ awaiting:payment   tickets confirmed the hold (ticket.reservation-confirmed)
 *   awaiting:payment ──▶ complete             a payment arrived while the hold was confirmed and running
 *   created, awaiting:payment ──▶ cancelled   the buyer, the expiry or a refused reservation ended it
 *   complete ──▶ cancelled                    its event was cancelled (event_cancelled): refunded in full
 *
 * A payment for an order still `created` waits for tickets' answer: a paid order is always a held ticket.
 * cancelled is final, and so is complete but for its event's cancellation. The unique index
 * orders_one_active_per_ticket counts the open orders and the complete ones whose ticket has not been put on
 * sale again by its buyer (resold_at), so a ticket has at most one order that is open or holds it.
 */
export type OrderStatus = 'created' | 'awaiting:payment' | 'cancelled' | 'complete'

export type CancelReason = 'user' | 'expired' | 'ticket_changed' | 'payment_refused' | 'event_cancelled'

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  created: ['awaiting:payment', 'cancelled'],
  'awaiting:payment': ['complete', 'cancelled'],
  complete: [],
  cancelled: [],
}

/** Holding the ticket and waiting for a payment: may be paid, expire or be cancelled. */
export const OPEN_STATUSES = ['created', 'awaiting:payment'] as const satisfies OrderStatus[]

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to)
}

/** The statuses an order may move to `to` from: for a move made in one conditional UPDATE. */
export function statusesBefore(to: OrderStatus): OrderStatus[] {
  return (Object.keys(NEXT) as OrderStatus[]).filter((from) => canMove(from, to))
}

/** Whether an order may be cancelled for this reason: an open one for any, a complete one for its event's. */
export function canCancel(from: OrderStatus, reason: CancelReason): boolean {
  return canMove(from, 'cancelled') || (from === 'complete' && reason === 'event_cancelled')
}
