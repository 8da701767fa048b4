import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // What is charged is the order's total (the ticket's price and the buyer's fee), as order.created states it;
  // before fees the two were the same, so the amounts kept are right as they are.
  await sql`alter table order_replicas rename column price to total`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table order_replicas rename column total to price`.execute(db)
}
