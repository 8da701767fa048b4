import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // What payments knows of orders: a replica fed by order.created / cancelled / completed, in version order.
  await sql`
    create table order_replicas (
      id uuid primary key,
      user_id uuid not null,
      price bigint not null,
      currency text not null,
      status text not null,
      expires_at timestamptz not null,
      version integer not null
    )`.execute(db)

  await sql`
    create table payments (
      id uuid primary key,
      order_id uuid not null,
      amount bigint not null,
      currency text not null,
      gateway_charge_id text not null,
      status text not null check (status in ('succeeded', 'refunded')),
      created_at timestamptz(3) not null default now()
    )`.execute(db)
  // "Nobody can pay twice for one order", kept by the database: of two concurrent payments one insert fails,
  // and that one's charge is refunded. A refunded payment keeps its slot: the order is over by then.
  await sql`create unique index payments_one_per_order on payments (order_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table payments, order_replicas`.execute(db)
}
