import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // People search for "Hamilton London": the city joins the searched text (a generated column's expression
  // cannot be altered before PostgreSQL 17, so it is made again, with its index).
  await sql`drop index events_search`.execute(db)
  await sql`alter table events drop column search_text`.execute(db)
  await sql`
    alter table events add column search_text text generated always as
      (lower(name || ' ' || coalesce(performer, '') || ' ' || venue || ' ' || city)) stored`.execute(db)
  await sql`create index events_search on events using gin (search_text gin_trgm_ops) where status <> 'cancelled'`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index events_search`.execute(db)
  await sql`alter table events drop column search_text`.execute(db)
  await sql`
    alter table events add column search_text text generated always as
      (lower(name || ' ' || coalesce(performer, '') || ' ' || venue)) stored`.execute(db)
  await sql`create index events_search on events using gin (search_text gin_trgm_ops) where status <> 'cancelled'`.execute(
    db,
  )
}
