import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The replica of tickets learns a ticket's status (withdrawn and sold ones are not on sale) and its event;
  // replicas made before the catalogue have neither, and read as before (on sale unless held).
  await sql`alter table ticket_replicas add column status text, add column event_id uuid`.execute(db)

  // What orders keeps of the catalogue, fed by event.* in version order: enough to refuse a reservation for an
  // event that started or was cancelled.
  await sql`
    create table event_replicas (
      id uuid primary key,
      starts_at timestamptz not null,
      status text not null,
      version integer not null
    )`.execute(db)

  // An order remembers its ticket's event: a member's tickets of one event are counted by it (the per-event
  // limit), and a cancelled event's orders are found by it.
  await sql`alter table orders add column event_id uuid`.execute(db)
  await sql`
    create index orders_active_by_event on orders (event_id, user_id)
    where event_id is not null and status in ('created', 'awaiting:payment', 'complete')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index orders_active_by_event`.execute(db)
  await sql`alter table orders drop column event_id`.execute(db)
  await sql`drop table event_replicas`.execute(db)
  await sql`alter table ticket_replicas drop column status, drop column event_id`.execute(db)
}
