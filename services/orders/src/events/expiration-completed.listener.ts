import { afterCommit, type EventHandler, type ServiceMetrics } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { expireOrder } from '../orders/order.service.js'

/**
 * The order's timer fired: cancelled if its hold has ended by the database's clock and it was not paid. A
 * cancellation is counted in `metrics` (orders_holds_expired_total) once it commits.
 */
export function expirationCompletedListener(
  metrics?: ServiceMetrics,
): EventHandler<'expiration.completed', Database> {
  return async (event, trx) => {
    if (await expireOrder(trx, event.data.orderId)) afterCommit(trx, () => metrics?.holdsExpired?.inc())
  }
}

export const onExpirationCompleted = expirationCompletedListener()
