import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // A seller's account at the gateway, where their payouts go (Stripe: a Connect account they onboard to).
  await sql`
    create table seller_accounts (
      seller_id uuid primary key,
      gateway_account_id text not null,
      created_at timestamptz(3) not null default now()
    )`.execute(db)
  // The gateway's id for a payout once paid (a Stripe transfer).
  await sql`alter table payouts add column transfer_id text`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table payouts drop column transfer_id`.execute(db)
  await sql`drop table seller_accounts`.execute(db)
}
