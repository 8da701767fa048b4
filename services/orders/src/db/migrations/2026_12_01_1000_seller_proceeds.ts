import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // What the seller of each ticket receives of a sale (price − seller_fee), as tickets fixed it with the
  // price, and for each order its seller and their fee then: payments pays it out once the sale completes.
  await sql`alter table ticket_replicas add column seller_fee integer not null default 0`.execute(db)
  await sql`alter table orders add column seller_id uuid, add column seller_fee integer not null default 0`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table orders drop column seller_id, drop column seller_fee`.execute(db)
  await sql`alter table ticket_replicas drop column seller_fee`.execute(db)
}
