import { inTransaction, PeriodicJob, writeEvent, type EventLogger } from '@ticketing/common'
import type { PaymentsContext } from '../context.js'
import { leasePayments, movePayment } from './payment.repository.js'
import { resolveAttempt } from './payment.service.js'
import type { PaymentRow, PaymentStatus, Settlement } from './payment.table.js'

const BATCH = 20

/** Where each owed call leaves an attempt, and from which statuses. */
const SETTLED: Record<Settlement, { from: PaymentStatus[]; to: PaymentStatus }> = {
  capture: { from: ['authorized'], to: 'captured' },
  void: { from: ['pending', 'requires_action', 'authorized'], to: 'voided' },
  refund: { from: ['captured'], to: 'refunded' },
}

/**
 * Makes the gateway agree with our records, every RECONCILE_INTERVAL_MS: the calls the listeners wrote down
 * (capture a completed order's payment, void or refund a refused one), retried until they succeed; and every
 * attempt whose outcome no answer brought (a timeout, a crash between the gateway and our commit, a buyer who
 * left during 3-D Secure), looked up at the gateway and recorded. Attempts are leased, not locked, while the
 * gateway is called, so several instances share the work and a crashed one's lease runs out.
 */
export function paymentReconciler(ctx: PaymentsContext, logger: EventLogger): PeriodicJob {
  const lease = {
    leaseSeconds: ctx.config.RECONCILE_RETRY_SECONDS,
    limit: BATCH,
    pendingAfterSeconds: ctx.config.RECONCILE_PENDING_AFTER_SECONDS,
    actionAfterSeconds: ctx.config.RECONCILE_ACTION_AFTER_SECONDS,
  }
  return new PeriodicJob({
    name: 'reconciler',
    everyMs: ctx.config.RECONCILE_INTERVAL_MS,
    logger,
    run: async () => {
      for (const payment of await leasePayments(ctx.db, 'to_settle', lease)) {
        await settle(ctx, payment).catch((error: unknown) =>
          logger.error(
            { err: error, paymentId: payment.id, settle: payment.settle },
            'reconciler: settling failed; retrying',
          ),
        )
      }
      for (const payment of await leasePayments(ctx.db, 'unresolved', lease)) {
        const resolved = await resolveAttempt(ctx, payment.id).catch((error: unknown) => {
          logger.error(
            { err: error, paymentId: payment.id },
            'reconciler: looking up an attempt failed; retrying',
          )
        })
        if (resolved && resolved.status !== payment.status) {
          ctx.metrics?.paymentOutcomes?.inc({ outcome: resolved.status })
          logger.info(
            { paymentId: payment.id, from: payment.status, to: resolved.status },
            'reconciler: resolved an attempt',
          )
        }
      }
    },
  })
}

/**
 * Makes the owed gateway call, then records its effect; a void or refund is announced as payment.refunded.
 * The row is not locked during the call, so a listener may owe another call meanwhile: an event's
 * cancellation owes a void while a completed order's capture is at the gateway. That call stays owed, and a
 * void owed of a payment that is by then captured is a refund.
 */
async function settle(ctx: PaymentsContext, payment: PaymentRow): Promise<void> {
  const owed = payment.settle!
  const call: Settlement = owed === 'void' && payment.status === 'captured' ? 'refund' : owed
  if (payment.gateway_charge_id) {
    await ctx.gateway[call](payment.gateway_charge_id, { paymentId: payment.id })
  }
  const { from, to } = SETTLED[call]
  const moved = await inTransaction(ctx.db, async (trx) => {
    const row = await movePayment(trx, payment.id, from, { status: to, client_secret: null })
    await trx
      .updateTable('payments')
      .set({ settle: 'refund', lease_until: null })
      .where('id', '=', payment.id)
      .where('status', '=', 'captured')
      .where('settle', '=', 'void')
      .execute()
    // Done, or already done (a retry after a crash before this commit), or moved on: this call is owed no more.
    await trx
      .updateTable('payments')
      .set({ settle: null })
      .where('id', '=', payment.id)
      .where('settle', '=', owed)
      .execute()
    if (!row) return false
    if (to !== 'captured') await writeEvent(trx, 'payment.refunded', { id: row.id, orderId: row.order_id })
    return true
  })
  if (moved) ctx.metrics?.paymentOutcomes?.inc({ outcome: to })
}
