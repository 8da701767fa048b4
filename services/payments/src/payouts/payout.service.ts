import { randomUUID } from 'node:crypto'
import { newestFirst, PeriodicJob, type CurrentUser, type EventLogger, type Page } from '@ticketing/common'
import { sql, type Kysely } from 'kysely'
import type { PaymentsContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { findOrder } from '../orders/order-replica.repository.js'
import type { PayoutRow } from './payout.table.js'

const BATCH = 100

/**
 * When a payout is released: PAYOUT_DELAY_HOURS after its event starts (a postponement moves it), or at its
 * sale for a ticket without event; null while the event's start has not reached payments yet.
 */
function releaseAt(delayHours: number) {
  return sql<Date | null>`case
    when payouts.event_id is null then payouts.created_at
    else (select e.starts_at from event_replicas e where e.id = payouts.event_id)
      + make_interval(secs => ${delayHours * 3600})
  end`
}

/**
 * A sale completed: its seller is owed their net, pending until released. In the listener's transaction, once
 * per order (the unique order_id); an order announced before payouts names no seller, and owes nothing here.
 */
export async function recordPayoutOfCompletedOrder(trx: Kysely<Database>, orderId: string): Promise<void> {
  const order = await findOrder(trx, orderId)
  if (!order?.seller_id || order.seller_net === null) return
  await trx
    .insertInto('payouts')
    .values({
      id: randomUUID(),
      order_id: order.id,
      seller_id: order.seller_id,
      ticket_id: order.ticket_id,
      event_id: order.event_id,
      amount: order.seller_net,
      currency: order.currency,
    })
    .onConflict((conflict) => conflict.column('order_id').doNothing())
    .execute()
}

/** The sale was refunded (its event was cancelled): its payout, unless already paid, is cancelled. */
export async function cancelPayoutOfOrder(trx: Kysely<Database>, orderId: string): Promise<void> {
  await trx
    .updateTable('payouts')
    .set({ status: 'cancelled' })
    .where('order_id', '=', orderId)
    .where('status', 'in', ['pending', 'releasable'])
    .execute()
}

/** The caller's payouts as a seller, newest first, each with its release time. */
export async function listPayouts(
  ctx: PaymentsContext,
  seller: CurrentUser,
  page: Page,
): Promise<(PayoutRow & { release_at: Date | null })[]> {
  const query = ctx.db
    .selectFrom('payouts')
    .selectAll()
    .select(releaseAt(ctx.config.PAYOUT_DELAY_HOURS).as('release_at'))
    .where('seller_id', '=', seller.id)
  return newestFirst(query, page).execute()
}

/**
 * The payout job: releases the payouts whose time has come (by the database's clock), then pays the
 * releasable ones. The sandbox records them as paid; with Stripe they wait as releasable, since paying a seller
 * needs a connected account for them, which the marketplace does not onboard yet. Each step is one statement,
 * so instances running the job at once do each payout once.
 */
export function payoutJob(ctx: PaymentsContext, logger: EventLogger): PeriodicJob {
  return new PeriodicJob({
    name: 'payouts',
    everyMs: ctx.config.PAYOUT_INTERVAL_MS,
    logger,
    run: async () => {
      const released = await sql<{ id: string }>`
        update payouts set status = 'releasable'
        where id in (
          select id from payouts
          where status = 'pending' and ${releaseAt(ctx.config.PAYOUT_DELAY_HOURS)} <= now()
          limit ${BATCH} for update skip locked)
        returning id`.execute(ctx.db)
      if (released.rows.length > 0) logger.info({ payouts: released.rows.length }, 'payouts: released')
      if (ctx.config.PAYMENT_GATEWAY !== 'sandbox') return
      const paid = await sql<{ id: string }>`
        update payouts set status = 'paid', paid_at = now()
        where id in (
          select id from payouts where status = 'releasable' limit ${BATCH} for update skip locked)
        returning id`.execute(ctx.db)
      if (paid.rows.length > 0) logger.info({ payouts: paid.rows.length }, 'payouts: paid (sandbox)')
    },
  })
}
