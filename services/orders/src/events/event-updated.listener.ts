import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyEventState } from '../catalogue/event-replica.service.js'

/** An event was edited, postponed or moved: the replica follows, in version order. */
export const onEventUpdated: EventHandler<'event.updated', Database> = async (event, trx) => {
  await applyEventState(trx, event.data)
}
