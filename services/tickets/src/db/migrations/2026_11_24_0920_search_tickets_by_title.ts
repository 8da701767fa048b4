import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // GET /api/tickets?q=: the tickets for sale whose title contains the words searched for. A trigram index
  // serves `ilike '%…%'`, which a b-tree cannot. pg_trgm is a trusted extension: the database's owner may
  // create it without being a superuser.
  await sql`create extension if not exists pg_trgm`.execute(db)
  await sql`create index tickets_available_title on tickets using gin (title gin_trgm_ops) where order_id is null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index tickets_available_title`.execute(db)
}
