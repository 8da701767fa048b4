import { sql, type Insertable, type Kysely, type Updateable } from 'kysely'
import type { Database } from '../db/schema.js'
import type { PaymentRow, PaymentStatus, PaymentTable, Settlement } from './payment.table.js'

/** Attempts that hold an order's one slot: nobody can pay twice for one order. */
export const LIVE_STATUSES: PaymentStatus[] = ['pending', 'requires_action', 'authorized', 'captured']

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

/** The order's live attempt, if it has one. */
export async function findLivePayment(
  db: Kysely<Database>,
  orderId: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', 'in', LIVE_STATUSES)
    .executeTakeFirst()
}

/** Moves an attempt on, only from the statuses given: the row after the change, or undefined if it had moved. */
export async function movePayment(
  db: Kysely<Database>,
  id: string,
  from: PaymentStatus[],
  change: Omit<Updateable<PaymentTable>, 'updated_at'>,
): Promise<PaymentRow | undefined> {
  return db
    .updateTable('payments')
    .set({ ...change, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst()
}

/** Writes down a gateway call the reconciler owes this attempt. */
export async function oweSettlement(db: Kysely<Database>, id: string, settle: Settlement): Promise<void> {
  await db
    .updateTable('payments')
    .set({ settle, lease_until: null, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute()
}

/**
 * Leases up to `limit` attempts matching `where` for a while, so that another instance leaves them alone while
 * this one calls the gateway, without holding a row lock during the call. A crashed holder's lease runs out.
 */
export async function leasePayments(
  db: Kysely<Database>,
  which: 'to_settle' | 'unresolved',
  options: { leaseSeconds: number; limit: number; pendingAfterSeconds: number; actionAfterSeconds: number },
): Promise<PaymentRow[]> {
  const due = db
    .selectFrom('payments')
    .select('id')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
    .where((eb) =>
      which === 'to_settle'
        ? eb('settle', 'is not', null)
        : eb.and([
            eb('settle', 'is', null),
            eb.or([
              eb.and([
                eb('status', '=', 'pending'),
                eb(
                  'created_at',
                  '<',
                  sql<Date>`now() - make_interval(secs => ${options.pendingAfterSeconds})`,
                ),
              ]),
              eb.and([
                eb('status', '=', 'requires_action'),
                eb(
                  'updated_at',
                  '<',
                  sql<Date>`now() - make_interval(secs => ${options.actionAfterSeconds})`,
                ),
              ]),
            ]),
          ]),
    )
    .orderBy('updated_at')
    .limit(options.limit)
    .forUpdate()
    .skipLocked()
  return db
    .updateTable('payments')
    .set({ lease_until: sql<Date>`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where('id', 'in', due)
    .returningAll()
    .execute()
}

/** Ends a lease early: the attempt may be looked at again at the next round. */
export async function releaseLease(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('payments').set({ lease_until: null }).where('id', '=', id).execute()
}
