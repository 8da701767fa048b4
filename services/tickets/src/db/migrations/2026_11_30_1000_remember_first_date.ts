import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The start first announced, kept once an event is moved: a buyer holding a ticket for the old date is
  // told it moved, and from when.
  await sql`alter table events add column first_starts_at timestamptz(3)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table events drop column first_starts_at`.execute(db)
}
