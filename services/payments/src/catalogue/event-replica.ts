import { replicaDecision, type EventData } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/** What payments keeps of an event of the catalogue: when it starts, which times its sellers' payouts. */
export interface EventReplicaTable {
  id: string
  starts_at: Date
  status: string
  version: number
}

/** Keeps an event's start, strictly in version order: a postponed event moves its payouts' release with it. */
export async function applyEventState(
  trx: Kysely<Database>,
  event: EventData<'event.created' | 'event.updated' | 'event.cancelled'>,
): Promise<void> {
  const current = await trx
    .selectFrom('event_replicas')
    .select('version')
    .where('id', '=', event.id)
    .forUpdate()
    .executeTakeFirst()
  if (replicaDecision(current?.version, event.version) === 'ignore') return
  const state = { starts_at: new Date(event.startsAt), status: event.status, version: event.version }
  await trx
    .insertInto('event_replicas')
    .values({ id: event.id, ...state })
    .onConflict((conflict) => conflict.column('id').doUpdateSet(state))
    .execute()
}
