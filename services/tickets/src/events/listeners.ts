import { EventListeners, type Bus, type EventLogger } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { onOrderCancelled } from './order-cancelled.listener.js'
import { onOrderCreated } from './order-created.listener.js'

/** tickets' event handlers, one durable consumer each: reservations follow the orders. Not started yet. */
export function ticketListeners(deps: { bus: Bus; db: Kysely<Database>; logger?: EventLogger }) {
  return new EventListeners({ bus: deps.bus, db: deps.db, logger: deps.logger })
    .on('order.created', onOrderCreated(deps.logger))
    .on('order.cancelled', onOrderCancelled)
}
