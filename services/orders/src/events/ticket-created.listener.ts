import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyTicketState } from '../tickets/ticket-replica.service.js'

/** A new ticket for sale: the replica learns of it, so buyers can order it. */
export const onTicketCreated: EventHandler<'ticket.created', Database> = async (event, trx) => {
  await applyTicketState(trx, event.data)
}
