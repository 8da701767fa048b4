import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyTicketState } from '../tickets/ticket-replica.service.js'

/** A ticket changed (its price, its reservation): the replica follows, in version order. */
export const onTicketUpdated: EventHandler<'ticket.updated', Database> = async (event, trx) => {
  await applyTicketState(trx, event.data)
}
