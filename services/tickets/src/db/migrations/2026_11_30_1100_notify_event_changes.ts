import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The first page of events is kept in memory too (tickets/ticket-cache.ts): a change to an event drops it at
  // commit, on the channel tickets' changes use (an event's id drops no ticket, and every first page).
  await sql`
    create trigger events_notify_changed after insert or update or delete on events
    for each row execute function notify_ticket_changed()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger events_notify_changed on events`.execute(db)
}
