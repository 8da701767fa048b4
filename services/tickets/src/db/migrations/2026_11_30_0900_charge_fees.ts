import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // A ticket's fees are fixed with its price (minor units), so that a change of the configured rates never
  // changes the all-in price a buyer has already been shown. Listings made before fees get the default rates
  // (10 % and 5 %), rounded as fees/fees.ts rounds them.
  await sql`
    alter table tickets
      add column buyer_fee integer not null default 0 check (buyer_fee >= 0),
      add column seller_fee integer not null default 0 check (seller_fee >= 0 and seller_fee <= price)`.execute(
    db,
  )
  await sql`
    update tickets set buyer_fee = round(price * 0.10), seller_fee = round(price * 0.05)`.execute(db)
  // From now on every listing states its fees: one that forgot them would be sold without them.
  await sql`alter table tickets alter column buyer_fee drop default, alter column seller_fee drop default`.execute(
    db,
  )
  // Each event's lowest all-in price is read from the index alone (an index-only scan), as its count is.
  await sql`drop index tickets_on_sale_by_event`.execute(db)
  await sql`
    create index tickets_on_sale_by_event on tickets (event_id, price, id) include (buyer_fee)
      where order_id is null and withdrawn_at is null and event_id is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index tickets_on_sale_by_event`.execute(db)
  await sql`
    create index tickets_on_sale_by_event on tickets (event_id, price, id)
      where order_id is null and withdrawn_at is null and event_id is not null`.execute(db)
  await sql`alter table tickets drop column buyer_fee, drop column seller_fee`.execute(db)
}
