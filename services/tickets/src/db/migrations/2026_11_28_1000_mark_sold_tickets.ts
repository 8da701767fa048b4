import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // A completed order makes its reservation a sale: the ticket keeps the order that bought it and is never
  // released, edited or reserved again. Only a held ticket can be sold, so a sold ticket always names its
  // order.
  await sql`
    alter table tickets
      add column sold_at timestamptz(3),
      add constraint tickets_sold_to_its_order check (sold_at is null or order_id is not null)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table tickets drop constraint tickets_sold_to_its_order, drop column sold_at`.execute(db)
}
