import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The buyer's fee of each ticket, as tickets fixed it with the price, and of each order, as it was when the
  // order was placed: the order's total (price + buyer_fee) is what the buyer is charged. Older replicas and
  // orders had no fee.
  await sql`alter table ticket_replicas add column buyer_fee integer not null default 0`.execute(db)
  await sql`alter table orders add column buyer_fee integer not null default 0`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table orders drop column buyer_fee`.execute(db)
  await sql`alter table ticket_replicas drop column buyer_fee`.execute(db)
}
