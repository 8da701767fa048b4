import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Each reservation counts the buyer's open orders against MAX_OPEN_ORDERS_PER_USER: through orders_by_user
  // that read every order the buyer ever placed; this index holds only the open ones, a handful at most.
  await sql`create index orders_open_by_user on orders (user_id) where status in ('created', 'awaiting:payment')`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index orders_open_by_user`.execute(db)
}
