import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyEventState } from '../catalogue/event-replica.service.js'

/** A new event of the catalogue: the replica learns when it starts. */
export const onEventCreated: EventHandler<'event.created', Database> = async (event, trx) => {
  await applyEventState(trx, event.data)
}
