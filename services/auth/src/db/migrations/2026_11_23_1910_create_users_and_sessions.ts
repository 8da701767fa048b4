import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table users (
      id uuid primary key,
      email text not null check (email = lower(email)),
      password_hash text not null,
      role text not null check (role in ('user', 'admin')),
      created_at timestamptz(3) not null default now(),
      banned_at timestamptz,
      ban_reason text
    )`.execute(db)
  await sql`create unique index users_email_key on users (email)`.execute(db)
  await sql`create index users_newest on users (created_at desc, id desc)`.execute(db)

  // A session is one sign-in: the family of refresh tokens rotated from it, and the sid of its access tokens.
  await sql`
    create table sessions (
      id uuid primary key,
      user_id uuid not null references users (id),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db)
  await sql`create index sessions_active_by_user on sessions (user_id) where revoked_at is null`.execute(db)

  await sql`
    create table refresh_tokens (
      token_hash bytea primary key,
      session_id uuid not null references sessions (id),
      created_at timestamptz not null default now(),
      rotated_at timestamptz
    )`.execute(db)
  await sql`create index refresh_tokens_by_session on refresh_tokens (session_id)`.execute(db)

  await sql`
    create table signin_failures (
      email text not null,
      failed_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index signin_failures_by_email on signin_failures (email, failed_at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table signin_failures, refresh_tokens, sessions, users`.execute(db)
}
