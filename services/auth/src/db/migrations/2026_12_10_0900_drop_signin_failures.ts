import { sql, type Kysely } from 'kysely'

// Sign-in failures are counted in Redis now, shared by every instance and atomic (issue 14); nothing reads
// the table any more, and it held every email ever tried.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop table signin_failures`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create table signin_failures (
      email text not null,
      failed_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index signin_failures_by_email on signin_failures (email, failed_at)`.execute(db)
}
