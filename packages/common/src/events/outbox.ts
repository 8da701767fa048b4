import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { EventData, EventType } from './contracts.js'
import { afterCommit } from '../db/transaction.js'
import { assertEventData } from './envelope.js'
import type { EventTables } from './event-tables.js'

export interface WriteEventOptions {
  /** A deterministic id, when the same event may be written twice and must be published once. */
  id?: string
}

/**
 * Stores an event in the outbox, in the caller's transaction: it is published if and only if that
 * transaction commits. The data is checked against its contract here, where a mistake is the writer's.
 * Returns the event id.
 */
export async function writeEvent<T extends EventType, DB extends EventTables>(
  trx: Transaction<DB> | Kysely<DB>,
  type: T,
  data: EventData<T>,
  options: WriteEventOptions = {},
): Promise<string> {
  assertEventData(type, data)
  const id = options.id ?? randomUUID()
  await (trx as unknown as Kysely<EventTables>)
    .insertInto('outbox')
    .values({ id, type, data: JSON.stringify(data), occurred_at: new Date() })
    .execute()
  afterCommit(trx, wakeRelays)
  return id
}

const relays = new Set<() => void>()

function wakeRelays(): void {
  for (const wake of relays) wake()
}

/**
 * Calls `wake` after each commit in this process that wrote events. The relay of the same process publishes
 * them at once; rows written elsewhere are found by its poll. (A NOTIFY per commit would wake every instance,
 * but it serialises commits across the whole PostgreSQL server.)
 */
export function onOutboxCommit(wake: () => void): () => void {
  relays.add(wake)
  return () => relays.delete(wake)
}
