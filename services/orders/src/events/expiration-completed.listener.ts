import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { cancelIfOpen } from '../orders/order.service.js'

/** The hold ran out: the order is cancelled, unless it was paid in time. */
export const onExpirationCompleted: EventHandler<'expiration.completed', Database> = async (event, trx) => {
  await cancelIfOpen(trx, event.data.orderId, 'expired')
}
