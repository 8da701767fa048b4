import type { EventHandler } from '@ticketing/common'
import { applyEventState } from '../catalogue/event-replica.js'
import type { Database } from '../db/schema.js'

/** An event of the catalogue was updated: its start times the payouts of its sales. */
export const onEventUpdated: EventHandler<'event.updated', Database> = async (event, trx) => {
  await applyEventState(trx, event.data)
}
