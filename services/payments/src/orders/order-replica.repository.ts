import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { OrderReplicaRow } from './order-replica.table.js'

export async function findOrder(db: Kysely<Database>, id: string): Promise<OrderReplicaRow | undefined> {
  return db.selectFrom('order_replicas').selectAll().where('id', '=', id).executeTakeFirst()
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

/**
 * Saves the order's state if it is the next version (0 for an order not seen yet), in one statement; false
 * when it is not, and nothing changed.
 */
export async function saveNextVersion(db: Kysely<Database>, order: OrderReplicaRow): Promise<boolean> {
  if (order.version > 0) return updateNextVersion(db, order)
  const saved = await db
    .insertInto('order_replicas')
    .values(order)
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
  return saved !== undefined
}

/** Applies a change that is the order's next version (its status, say), in one statement; false when not. */
export async function updateNextVersion(
  db: Kysely<Database>,
  { id, ...change }: Partial<OrderReplicaRow> & { id: string; version: number },
): Promise<boolean> {
  const saved = await db
    .updateTable('order_replicas')
    .set(change)
    .where('id', '=', id)
    .where('version', '=', change.version - 1)
    .returning('id')
    .executeTakeFirst()
  return saved !== undefined
}
