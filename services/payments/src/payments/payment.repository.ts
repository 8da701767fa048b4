import type { Insertable, Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { PaymentRow, PaymentTable } from './payment.table.js'

export async function insertPayment(db: Kysely<Database>, payment: Insertable<PaymentTable>): Promise<void> {
  await db.insertInto('payments').values(payment).execute()
}

export async function findPayment(
  db: Kysely<Database>,
  id: string,
  lock = false,
): Promise<PaymentRow | undefined> {
  let query = db.selectFrom('payments').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function isOrderPaid(db: Kysely<Database>, orderId: string): Promise<boolean> {
  const row = await db.selectFrom('payments').select('id').where('order_id', '=', orderId).executeTakeFirst()
  return row !== undefined
}

export async function markRefunded(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('payments').set({ status: 'refunded' }).where('id', '=', id).execute()
}
