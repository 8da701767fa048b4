import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // created_at keeps milliseconds only: that is what a page cursor (a JavaScript Date) can carry, so the next
  // page starts exactly after the last ticket seen, never skipping one created in the same millisecond.
  await sql`
    create table tickets (
      id uuid primary key,
      title text not null check (char_length(title) between 1 and 200),
      price bigint not null check (price > 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      user_id uuid not null,
      version integer not null default 0 check (version >= 0),
      order_id uuid,
      created_at timestamptz(3) not null default now()
    )`.execute(db)
  // GET /api/tickets: the tickets for sale, newest first.
  await sql`create index tickets_available_newest on tickets (created_at desc, id desc) where order_id is null`.execute(
    db,
  )
  // GET /api/tickets?userId=: one seller's tickets, reserved ones included, newest first.
  await sql`create index tickets_by_seller on tickets (user_id, created_at desc, id desc)`.execute(db)

  // Orders whose order.cancelled has been applied. Events of different subjects arrive in any order: an
  // order.created that comes after its own cancellation must not reserve the ticket.
  await sql`
    create table cancelled_orders (
      order_id uuid primary key,
      cancelled_at timestamptz not null default now()
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table cancelled_orders, tickets`.execute(db)
}
