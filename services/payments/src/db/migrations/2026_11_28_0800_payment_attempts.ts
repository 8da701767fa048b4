import { sql, type Kysely } from 'kysely'

/**
 * A payment becomes an attempt recorded before the card is touched, authorised first and captured only once
 * orders accepts it (DESIGN §7). What must still happen at the gateway (capture, void, refund) is written down
 * in `settle` by the listeners' transactions and done afterwards by the reconciler, never under a row lock.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table payments drop constraint payments_status_check`.execute(db)
  await sql`update payments set status = 'captured' where status = 'succeeded'`.execute(db)
  await sql`
    alter table payments
      alter column gateway_charge_id drop not null,
      add column client_secret text,
      add column decline_reason text,
      add column settle text check (settle in ('capture', 'void', 'refund')),
      add column lease_until timestamptz(3),
      add column updated_at timestamptz(3) not null default now(),
      add constraint payments_status_check check (status in
        ('pending', 'requires_action', 'authorized', 'captured', 'declined', 'voided', 'refunded'))`.execute(
    db,
  )

  // "Nobody can pay twice for one order": one live attempt per order. A declined attempt leaves the order free for
  // another card; a voided or refunded one belongs to an order that is over.
  await sql`drop index payments_one_per_order`.execute(db)
  await sql`
    create unique index payments_one_live_per_order on payments (order_id)
      where status in ('pending', 'requires_action', 'authorized', 'captured')`.execute(db)
  // The reconciler's work: attempts whose outcome is not known yet, and gateway calls still owed.
  await sql`create index payments_unresolved on payments (created_at)
      where status in ('pending', 'requires_action')`.execute(db)
  await sql`create index payments_to_settle on payments (updated_at) where settle is not null`.execute(db)

  // Stripe's webhook events already applied, by Stripe's event id: a redelivered one is skipped.
  await sql`
    create table webhook_events (
      id text primary key,
      type text not null,
      received_at timestamptz(3) not null default now()
    )`.execute(db)

  // The sandbox gateway's own ledger, standing in for the records a real gateway keeps on its side: it outlives a
  // crash of payments, so the reconciler can be exercised without Stripe. Unused with PAYMENT_GATEWAY=stripe.
  await sql`
    create table sandbox_intents (
      id text primary key,
      payment_id uuid not null unique,
      order_id uuid not null,
      amount bigint not null,
      currency text not null,
      status text not null,
      decline_reason text,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table sandbox_intents, webhook_events`.execute(db)
  await sql`drop index payments_one_live_per_order, payments_unresolved, payments_to_settle`.execute(db)
  await sql`delete from payments where status not in ('captured', 'refunded')`.execute(db)
  await sql`update payments set status = 'succeeded' where status = 'captured'`.execute(db)
  await sql`
    alter table payments
      drop constraint payments_status_check,
      drop column client_secret, drop column decline_reason, drop column settle, drop column lease_until,
      drop column updated_at,
      add constraint payments_status_check check (status in ('succeeded', 'refunded'))`.execute(db)
  await sql`create unique index payments_one_per_order on payments (order_id)`.execute(db)
}
