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
  const [id] = await writeEvents(trx, [{ type, data, id: options.id } as OutgoingEvent])
  return id!
}

/** An event to write: its type, its data, and an id when it must be a deterministic one. */
export type OutgoingEvent = { [T in EventType]: { type: T; data: EventData<T>; id?: string } }[EventType]

/**
 * Stores several events in the outbox in one statement, in this order, in the caller's transaction: as
 * writeEvent does for one. Returns their ids.
 */
export async function writeEvents<DB extends EventTables>(
  trx: Transaction<DB> | Kysely<DB>,
  events: readonly OutgoingEvent[],
): Promise<string[]> {
  if (events.length === 0) return []
  const occurredAt = new Date()
  const rows = events.map(({ type, data, id }) => {
    assertEventData(type, data)
    return { id: id ?? randomUUID(), type, data: JSON.stringify(data), occurred_at: occurredAt }
  })
  await (trx as unknown as Kysely<EventTables>).insertInto('outbox').values(rows).execute()
  afterCommit(trx, wakeRelays)
  return rows.map((row) => row.id)
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
