import type Stripe from 'stripe'
import type { PaymentsContext } from '../context.js'
import { findPayment } from './payment.repository.js'
import { resolveAttempt } from './payment.service.js'

/**
 * Applies one of Stripe's webhook events, once by its id. A PaymentIntent's event only says "look again": the
 * attempt it names (metadata.paymentId) is resolved against the gateway as the reconciler would, so a webhook
 * delivered twice, late or out of order cannot record a stale state. The reconciler stays the backstop for a
 * webhook that never comes.
 */
export async function applyStripeEvent(ctx: PaymentsContext, event: Stripe.Event): Promise<void> {
  const seen = await ctx.db
    .selectFrom('webhook_events')
    .select('id')
    .where('id', '=', event.id)
    .executeTakeFirst()
  if (seen) return
  if (event.type.startsWith('payment_intent.')) {
    const intent = event.data.object as Stripe.PaymentIntent
    const paymentId = intent.metadata?.paymentId
    const before = paymentId ? await findPayment(ctx.db, paymentId) : undefined
    if (before) {
      const after = await resolveAttempt(ctx, before.id)
      if (after.status !== before.status) ctx.metrics?.paymentOutcomes?.inc({ outcome: after.status })
    }
  }
  // Recorded after it was applied: if applying fails, Stripe retries and we try again.
  await ctx.db
    .insertInto('webhook_events')
    .values({ id: event.id, type: event.type })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute()
}
