import { replicaDecision, type EventData } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { cancelOrdersOfCancelledEvent } from '../orders/order.service.js'
import type { EventReplicaRow } from './event-replica.table.js'

export async function findEventReplica(
  db: Kysely<Database>,
  id: string,
  lock = false,
): Promise<EventReplicaRow | undefined> {
  let query = db.selectFrom('event_replicas').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/**
 * Keeps the replica of an event, strictly in version order. The first time it hears that the event is
 * cancelled, every order of it that is open or complete is cancelled (`event_cancelled`): tickets withdraws
 * what they held, payments refunds what was paid.
 */
export async function applyEventState(
  trx: Kysely<Database>,
  event: EventData<'event.created' | 'event.updated' | 'event.cancelled'>,
): Promise<void> {
  const current = await findEventReplica(trx, event.id, true)
  if (replicaDecision(current?.version, event.version) === 'ignore') return
  const state = { starts_at: new Date(event.startsAt), status: event.status, version: event.version }
  await trx
    .insertInto('event_replicas')
    .values({ id: event.id, ...state })
    .onConflict((conflict) => conflict.column('id').doUpdateSet(state))
    .execute()
  if (event.status === 'cancelled' && current?.status !== 'cancelled') {
    await cancelOrdersOfCancelledEvent(trx, event.id)
  }
}
