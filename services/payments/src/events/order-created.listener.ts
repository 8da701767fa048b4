import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyOrderCreated } from '../orders/order-replica.service.js'

/** A new order: payments can take its payment from now on, for the all-in total the buyer reserved at. */
export const onOrderCreated: EventHandler<'order.created', Database> = async (event, trx) => {
  await applyOrderCreated(trx, event.data)
}
