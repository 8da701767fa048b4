import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { expireOrder } from '../orders/order.service.js'

/** The order's timer fired: cancelled if its hold has ended by the database's clock and it was not paid. */
export const onExpirationCompleted: EventHandler<'expiration.completed', Database> = async (event, trx) => {
  await expireOrder(trx, event.data.orderId)
}
