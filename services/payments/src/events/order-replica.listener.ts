import { replicaDecision, type EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { findOrder, saveOrder, setOrderStatus } from '../orders/order-replica.repository.js'

/** order.created starts the replica at version 0, with the price the buyer reserved the ticket at. */
export const onOrderCreated: EventHandler<'order.created', Database> = async (event, trx) => {
  const order = event.data
  const current = await findOrder(trx, order.id, true)
  if (replicaDecision(current?.version, order.version) === 'ignore') return
  await saveOrder(trx, {
    id: order.id,
    user_id: order.userId,
    price: order.ticket.price,
    currency: order.ticket.currency,
    status: order.status,
    expires_at: new Date(order.expiresAt),
    version: order.version,
  })
}

/**
 * order.cancelled and order.completed move the replica on, strictly in version order: one that arrives
 * before the order.created or an earlier change is redelivered later (replicaDecision naks the gap).
 */
export const onOrderCancelled: EventHandler<'order.cancelled', Database> = async (event, trx) => {
  const current = await findOrder(trx, event.data.id, true)
  if (replicaDecision(current?.version, event.data.version) === 'ignore') return
  await setOrderStatus(trx, event.data.id, { status: 'cancelled', version: event.data.version })
}

export const onOrderCompleted: EventHandler<'order.completed', Database> = async (event, trx) => {
  const current = await findOrder(trx, event.data.id, true)
  if (replicaDecision(current?.version, event.data.version) === 'ignore') return
  await setOrderStatus(trx, event.data.id, { status: 'complete', version: event.data.version })
}
