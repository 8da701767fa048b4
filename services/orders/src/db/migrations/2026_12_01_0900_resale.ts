import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // A ticket bought may be sold again by its buyer: once tickets announces it on sale again, the complete order
  // that bought it no longer holds it (`resold_at`), and the ticket may have a new order. It stays complete:
  // that purchase happened, and its event's cancellation still refunds it.
  await sql`alter table orders add column resold_at timestamptz(3)`.execute(db)
  await sql`drop index orders_one_active_per_ticket`.execute(db)
  await sql`
    create unique index orders_one_active_per_ticket on orders (ticket_id)
    where status in ('created', 'awaiting:payment') or (status = 'complete' and resold_at is null)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index orders_one_active_per_ticket`.execute(db)
  await sql`
    create unique index orders_one_active_per_ticket on orders (ticket_id)
    where status in ('created', 'awaiting:payment', 'complete')`.execute(db)
  await sql`alter table orders drop column resold_at`.execute(db)
}
