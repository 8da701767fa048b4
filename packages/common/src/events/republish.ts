import type { Kysely } from 'kysely'
import type { EventTables } from './event-tables.js'

/**
 * Puts the events a service published since `since` back in its outbox as pending, so that its relay
 * publishes them again: what an operator runs after the bus lost its store (DESIGN §4). Harmless where they
 * did arrive: JetStream drops a copy within its duplicate window, and listeners skip an event they applied
 * (processed_events). Rows are kept for a day after publishing (the relay's retention), so that is how far
 * back it reaches. A running relay finds them at its next poll (within a second). Returns how many events will
 * be published again.
 */
export async function republishSince(db: Kysely<EventTables>, since: Date): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ published_at: null, attempts: 0, last_error: null })
    .where('published_at', '>=', since)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}
