import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // What a sale owes its seller: order.created says who sells and what they receive (the price less the
  // marketplace's fee), and of which ticket and event. Orders announced before payouts say none of it.
  await sql`
    alter table order_replicas
      add column ticket_id uuid,
      add column event_id uuid,
      add column seller_id uuid,
      add column seller_net integer check (seller_net >= 0)`.execute(db)

  // When each event starts, fed by event.* in version order: a payout is released some hours after it.
  await sql`
    create table event_replicas (
      id uuid primary key,
      starts_at timestamptz(3) not null,
      status text not null,
      version integer not null
    )`.execute(db)

  // The payout ledger: one payout per completed sale, pending until its release, then releasable, then paid;
  // cancelled if the sale is refunded before it is paid.
  await sql`
    create table payouts (
      id uuid primary key,
      order_id uuid not null unique,
      seller_id uuid not null,
      ticket_id uuid,
      event_id uuid,
      amount integer not null check (amount >= 0),
      currency text not null,
      status text not null default 'pending' check (status in ('pending', 'releasable', 'paid', 'cancelled')),
      created_at timestamptz(3) not null default now(),
      paid_at timestamptz(3)
    )`.execute(db)
  await sql`create index payouts_by_seller on payouts (seller_id, created_at desc, id desc)`.execute(db)
  await sql`create index payouts_to_release on payouts (created_at) where status in ('pending', 'releasable')`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table payouts`.execute(db)
  await sql`drop table event_replicas`.execute(db)
  await sql`
    alter table order_replicas
      drop column ticket_id, drop column event_id, drop column seller_id, drop column seller_net`.execute(db)
}
