import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // What orders knows of tickets: a replica fed by ticket.created / ticket.updated, in version order.
  await sql`
    create table ticket_replicas (
      id uuid primary key,
      title text not null,
      price bigint not null,
      currency text not null,
      user_id uuid not null,
      order_id uuid,
      version integer not null
    )`.execute(db)

  await sql`
    create table orders (
      id uuid primary key,
      user_id uuid not null,
      ticket_id uuid not null,
      ticket_title text not null,
      price bigint not null,
      currency text not null,
      status text not null check (status in ('created', 'awaiting:payment', 'cancelled', 'complete')),
      cancel_reason text,
      expires_at timestamptz not null,
      version integer not null default 0,
      -- Millisecond precision, as the page cursors carry it: no row hides between two pages.
      created_at timestamptz(3) not null default now()
    )`.execute(db)
  // The promise "a ticket is never sold twice", kept by the database rather than by a check before the insert.
  await sql`
    create unique index orders_one_active_per_ticket on orders (ticket_id)
    where status in ('created', 'awaiting:payment', 'complete')`.execute(db)
  await sql`create index orders_by_user on orders (user_id, created_at desc, id desc)`.execute(db)
  await sql`create index orders_open_by_expiry on orders (expires_at) where status in ('created', 'awaiting:payment')`.execute(
    db,
  )

  // The first answer to a request carrying an Idempotency-Key, replayed to its retries.
  await sql`
    create table idempotency_keys (
      user_id uuid not null,
      key text not null,
      request_hash text not null,
      status_code integer not null,
      response jsonb not null,
      created_at timestamptz not null default now(),
      primary key (user_id, key)
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table idempotency_keys, orders, ticket_replicas`.execute(db)
}
