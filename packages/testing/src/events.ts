import type { AnyCloudEvent, Bus, EventData, EventTables, EventType } from '@ticketing/common'
import type { Kysely } from 'kysely'

/**
 * Publishes an event straight to JetStream, as the service that owns it would: a test plays the other
 * services this way. The event id is the Nats-Msg-Id unless another is given (a duplicate JetStream keeps).
 */
export async function publishEvent(bus: Bus, event: AnyCloudEvent, msgID = event.id): Promise<void> {
  await bus.js.publish(bus.subject(event.type), JSON.stringify(event), { msgID })
}

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
