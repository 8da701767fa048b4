import type { EventHandler } from '@ticketing/common'
import type { Database } from '../db/schema.js'
import { applyUserState } from '../sellers/user-replica.js'

/** A member joined: their display name is kept, to show beside their listings. */
export const onUserCreated: EventHandler<'user.created', Database> = async (event, trx) => {
  await applyUserState(trx, event.data)
}
