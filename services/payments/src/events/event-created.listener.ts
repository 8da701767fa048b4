import type { EventHandler } from '@ticketing/common'
import { applyEventState } from '../catalogue/event-replica.js'
import type { Database } from '../db/schema.js'

/** An event of the catalogue was created: its start times the payouts of its sales. */
export const onEventCreated: EventHandler<'event.created', Database> = async (event, trx) => {
  await applyEventState(trx, event.data)
}
