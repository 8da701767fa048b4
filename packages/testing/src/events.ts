import type { EventData, EventTables, EventType } from '@ticketing/common'
import type { Kysely } from 'kysely'

/** The data of the events of one type a service has written to its outbox, oldest first. */
export async function outboxEvents<T extends EventType, DB extends EventTables>(
  db: Kysely<DB>,
  type: T,
): Promise<EventData<T>[]> {
  const rows = await (db as unknown as Kysely<EventTables>)
    .selectFrom('outbox')
    .select('data')
    .where('type', '=', type)
    .orderBy('seq')
    .execute()
  return rows.map((row) => row.data as EventData<T>)
}
