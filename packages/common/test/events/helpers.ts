import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createTestDatabase, testBuses } from '@ticketing/testing'
import type { Kysely } from 'kysely'
import {
  createDb,
  newEvent,
  type Bus,
  type CloudEvent,
  type EventData,
  type EventTables,
} from '../../src/index.js'

export interface Database extends EventTables {
  ticket_replicas: { id: string; title: string; price: number; version: number }
}

const migrations = fileURLToPath(new URL('../fixtures/migrations/events', import.meta.url))

/** A migrated database with the event tables and a namespace of the test's own. */
export async function eventsHarness(label: string) {
  const database = await createTestDatabase(label, { migrations })
  const db = createDb<Database>(database.url, { max: 20 })
  const buses = testBuses()
  return {
    url: database.url,
    db,
    buses,
    async cleanup() {
      await buses.cleanup()
      await db.destroy()
      await database.drop()
    },
  }
}

export function ticketData(
  overrides: Partial<EventData<'ticket.created'>> = {},
): EventData<'ticket.created'> {
  return {
    id: randomUUID(),
    version: 0,
    title: 'Concert',
    price: 1999,
    currency: 'USD',
    userId: randomUUID(),
    ...overrides,
  }
}

/** Publishes straight to JetStream, bypassing the outbox: for duplicates, disorder and garbage. */
export async function publishDirect(
  bus: Bus,
  event: CloudEvent | { type: string; raw: string },
  msgID?: string,
) {
  const body = 'raw' in event ? event.raw : JSON.stringify(event)
  await bus.js.publish(`${bus.namespace}.${event.type}`, body, msgID ? { msgID } : undefined)
}

export const ticketEvent = (type: 'ticket.created' | 'ticket.updated', data: EventData<'ticket.created'>) =>
  newEvent(type, data, '/tickets')

export async function count(db: Kysely<Database>, table: 'processed_events' | 'dead_letters' | 'outbox') {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}
