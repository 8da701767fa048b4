import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Members' display names, fed by user.created / user.updated in version order: every ticket shows its
  // seller's without asking auth. A member not here yet is shown by defaultDisplayName(id), as auth names them.
  await sql`
    create table user_replicas (
      id uuid primary key,
      display_name text not null,
      version integer not null
    )`.execute(db)
  // Every instance's cache of names (tickets/ticket-cache.ts) drops a member's the moment a rename commits.
  await sql`
    create function notify_seller_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('seller_changed', new.id::text);
      return null;
    end $$`.execute(db)
  await sql`
    create trigger user_replicas_notify_changed after insert or update on user_replicas
    for each row execute function notify_seller_changed()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger user_replicas_notify_changed on user_replicas`.execute(db)
  await sql`drop function notify_seller_changed()`.execute(db)
  await sql`drop table user_replicas`.execute(db)
}
