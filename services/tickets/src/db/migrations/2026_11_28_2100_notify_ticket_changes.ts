import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Every instance's read cache (tickets/ticket-cache.ts) drops a ticket the moment a change to it commits,
  // whichever path made it: a trigger, so no write can forget to say so. NOTIFY is delivered at commit, and
  // not at all on rollback.
  await sql`
    create function notify_ticket_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('ticket_changed', coalesce(new.id, old.id)::text);
      return null;
    end $$`.execute(db)
  await sql`
    create trigger tickets_notify_changed after insert or update or delete on tickets
    for each row execute function notify_ticket_changed()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger tickets_notify_changed on tickets`.execute(db)
  await sql`drop function notify_ticket_changed()`.execute(db)
}
