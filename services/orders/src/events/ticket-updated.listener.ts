import { replicaDecision, type EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { findTicket, saveTicket } from '../tickets/ticket-replica.repository.js'

/** ticket.created and ticket.updated keep the replica, applied strictly in version order. */
export const onTicketChanged: EventHandler<'ticket.created' | 'ticket.updated', Database> = async (
  event,
  trx,
) => {
  const ticket = event.data
  const current = await findTicket(trx, ticket.id, true)
  if (replicaDecision(current?.version, ticket.version) === 'ignore') return
  await saveTicket(trx, {
    id: ticket.id,
    title: ticket.title,
    price: ticket.price,
    currency: ticket.currency,
    user_id: ticket.userId,
    order_id: ticket.orderId ?? null,
    version: ticket.version,
  })
}
