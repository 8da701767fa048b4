import { randomUUID } from 'node:crypto'
import { newestFirst, PeriodicJob, type CurrentUser, type EventLogger, type Page } from '@ticketing/common'
import { sql, type Kysely } from 'kysely'
import type { PaymentsContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { findOrder } from '../orders/order-replica.repository.js'
import { PayoutAccountNotNeededError } from './payout.errors.js'
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
 * releasable ones through the gateway: the sandbox records them paid; Stripe transfers each to its seller's
 * connected account, and one whose seller has none yet waits, releasable, until they set one up. No row is
 * locked while the gateway is called; each payout's transfer is keyed by its id, so two instances paying the
 * same payout at once pay it once.
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
      for (const payout of await payableNow(ctx)) {
        await payOne(ctx, payout).catch((error: unknown) =>
          logger.error({ err: error, payoutId: payout.id }, 'payouts: paying failed; retrying'),
        )
      }
    },
  })
}

/** Releasable payouts the gateway can pay now, with their seller's account there. */
async function payableNow(ctx: PaymentsContext) {
  let query = ctx.db
    .selectFrom('payouts')
    .leftJoin('seller_accounts', 'seller_accounts.seller_id', 'payouts.seller_id')
    .select([
      'payouts.id',
      'payouts.order_id',
      'payouts.amount',
      'payouts.currency',
      'seller_accounts.gateway_account_id',
    ])
    .where('payouts.status', '=', 'releasable')
    .orderBy('payouts.created_at')
    .limit(BATCH)
  if (ctx.gateway.payoutsNeedSellerAccount)
    query = query.where('seller_accounts.gateway_account_id', 'is not', null)
  return query.execute()
}

async function payOne(
  ctx: PaymentsContext,
  payout: {
    id: string
    order_id: string
    amount: number
    currency: string
    gateway_account_id: string | null
  },
): Promise<void> {
  const { transferId } = await ctx.gateway.payOut({
    payoutId: payout.id,
    orderId: payout.order_id,
    amount: payout.amount,
    currency: payout.currency,
    destination: payout.gateway_account_id,
  })
  await ctx.db
    .updateTable('payouts')
    .set({ status: 'paid', paid_at: new Date(), transfer_id: transferId })
    .where('id', '=', payout.id)
    .where('status', '=', 'releasable')
    .execute()
}

/**
 * Where the seller sets up the account their payouts go to (Stripe Connect onboarding), coming back to
 * `returnUrl`; their account is made on first use and kept. The sandbox pays without one.
 */
export async function payoutOnboardingLink(
  ctx: PaymentsContext,
  seller: CurrentUser,
  returnUrl: string,
): Promise<string> {
  if (!ctx.gateway.sellerOnboarding) throw new PayoutAccountNotNeededError()
  const kept = await ctx.db
    .selectFrom('seller_accounts')
    .select('gateway_account_id')
    .where('seller_id', '=', seller.id)
    .executeTakeFirst()
  const { accountId, url } = await ctx.gateway.sellerOnboarding({
    sellerId: seller.id,
    accountId: kept?.gateway_account_id ?? null,
    returnUrl,
  })
  if (!kept) {
    await ctx.db
      .insertInto('seller_accounts')
      .values({ seller_id: seller.id, gateway_account_id: accountId })
      .onConflict((conflict) => conflict.column('seller_id').doNothing())
      .execute()
  }
  return url
}

/** Whether the seller has an account for their payouts at the gateway (or needs none). */
export async function payoutAccountState(ctx: PaymentsContext, seller: CurrentUser) {
  if (!ctx.gateway.payoutsNeedSellerAccount) return { needed: false, connected: false }
  const kept = await ctx.db
    .selectFrom('seller_accounts')
    .select('seller_id')
    .where('seller_id', '=', seller.id)
    .executeTakeFirst()
  return { needed: true, connected: kept !== undefined }
}
