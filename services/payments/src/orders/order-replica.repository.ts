import type { Kysely } from 'kysely'
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
