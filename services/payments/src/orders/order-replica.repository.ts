import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { OrderReplicaRow, OrderStatus } from './order-replica.table.js'

export async function findOrder(
  db: Kysely<Database>,
  id: string,
  lock = false,
): Promise<OrderReplicaRow | undefined> {
  let query = db.selectFrom('order_replicas').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** The order with whether its hold has ended, by the database's clock rather than this host's. */
export async function findOrderToPay(
  db: Kysely<Database>,
  id: string,
): Promise<(OrderReplicaRow & { hold_over: boolean }) | undefined> {
  return db
    .selectFrom('order_replicas')
    .selectAll()
    .select(sql<boolean>`expires_at <= now()`.as('hold_over'))
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function saveOrder(db: Kysely<Database>, order: OrderReplicaRow): Promise<void> {
  const { id: _id, ...state } = order
  await db
    .insertInto('order_replicas')
    .values(order)
    .onConflict((conflict) => conflict.column('id').doUpdateSet(state))
    .execute()
}

export async function setOrderStatus(
  db: Kysely<Database>,
  id: string,
  change: { status: OrderStatus; version: number },
): Promise<void> {
  await db.updateTable('order_replicas').set(change).where('id', '=', id).execute()
}
