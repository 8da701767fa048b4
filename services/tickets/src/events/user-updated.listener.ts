import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyUserState } from '../sellers/user-replica.js'

/** A member changed their display name: every listing of theirs shows the new one. */
export const onUserUpdated: EventHandler<'user.updated', Database> = async (event, trx) => {
  await applyUserState(trx, event.data)
}
