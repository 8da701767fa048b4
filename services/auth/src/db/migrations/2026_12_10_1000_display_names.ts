import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The name others see a member by (never their email). Accounts from before get the neutral default that
  // defaultDisplayName (packages/common) makes from the id, so other services can show it without asking.
  // `version` goes up with every change another service keeps a copy of (the name).
  await sql`alter table users add column display_name text, add column version integer not null default 0`.execute(
    db,
  )
  await sql`update users set display_name = 'Member ' || upper(substr(replace(id::text, '-', ''), 1, 4))`.execute(
    db,
  )
  await sql`
    alter table users
      alter column display_name set not null,
      add constraint users_display_name_length check (char_length(display_name) between 2 and 40)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column display_name, drop column version`.execute(db)
}
