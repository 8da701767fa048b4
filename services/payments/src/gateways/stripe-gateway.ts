import Stripe from 'stripe'
import {
  CardDeclinedError,
  type Intent,
  type IntentStatus,
  type OpenRequest,
  type PaymentGateway,
  type PayoutRequest,
} from './payment-gateway.js'

export interface StripeGatewayOptions {
  secretKey: string
  /** Where the API is; Stripe's own by default. Tests point these at a local server. */
  host?: string
  port?: number
  protocol?: 'http' | 'https'
  /**
   * Per attempt. Short, because a buyer is waiting; a timed-out request is retried with the same
   * idempotency key, so Stripe answers the retry with the first request's result instead of charging again.
   */
  timeoutMs?: number
}

/**
 * PaymentIntents with manual capture: opened with the attempt's ids in its metadata, confirmed with the card
 * (authorised, or asking for 3-D Secure), captured once orders completes the order, cancelled otherwise.
 * Every call carries an idempotency key derived from our payment id.
 */
export class StripeGateway implements PaymentGateway {
  readonly #stripe: Stripe

  constructor(options: StripeGatewayOptions) {
    this.#stripe = new Stripe(options.secretKey, {
      host: options.host,
      port: options.port,
      protocol: options.protocol,
      timeout: options.timeoutMs ?? 10_000,
      maxNetworkRetries: 2,
    })
  }

  /** Webhook events, verified with the endpoint's signing secret; throws when the signature does not match. */
  verifyWebhook(payload: Buffer, signature: string, secret: string): Stripe.Event {
    return this.#stripe.webhooks.constructEvent(payload, signature, secret)
  }

  async open(request: OpenRequest): Promise<{ intentId: string }> {
    const intent = await this.#stripe.paymentIntents.create(
      {
        amount: request.amount,
        currency: request.currency.toLowerCase(),
        capture_method: 'manual',
        // Renamed from payment_method_types in the API version this SDK pins.
        allowed_payment_method_types: ['card'],
        metadata: { orderId: request.orderId, paymentId: request.paymentId },
      },
      { idempotencyKey: `open-${request.paymentId}` },
    )
    return { intentId: intent.id }
  }

  async authorize(intentId: string, request: { paymentId: string; token: string }): Promise<Intent> {
    try {
      const intent = await this.#stripe.paymentIntents.confirm(
        intentId,
        { payment_method: request.token, use_stripe_sdk: true },
        { idempotencyKey: `authorize-${request.paymentId}` },
      )
      const result = toIntent(intent)
      if (result.status === 'declined') throw new CardDeclinedError(result.declineReason ?? 'card_declined')
      return result
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        throw new CardDeclinedError(error.decline_code ?? error.code ?? 'card_error')
      }
      throw error
    }
  }

  async lookup(intentId: string): Promise<Intent> {
    return toIntent(await this.#stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge'] }))
  }

  /** Stripe.js finished the authentication with the bank: Stripe knows the outcome. */
  completeAction(intentId: string): Promise<Intent> {
    return this.lookup(intentId)
  }

  async capture(intentId: string, request: { paymentId: string }): Promise<void> {
    await this.#settle(intentId, ['captured', 'refunded'], () =>
      this.#stripe.paymentIntents.capture(intentId, {}, { idempotencyKey: `capture-${request.paymentId}` }),
    )
  }

  async void(intentId: string, request: { paymentId: string }): Promise<void> {
    await this.#settle(intentId, ['voided'], () =>
      this.#stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey: `void-${request.paymentId}` }),
    )
  }

  /** Sellers are paid by transfers to their Stripe Connect accounts, from the platform's balance. */
  readonly payoutsNeedSellerAccount = true

  async payOut(request: PayoutRequest): Promise<{ transferId: string }> {
    if (!request.destination) throw new Error(`payout ${request.payoutId}: the seller has no Stripe account`)
    const transfer = await this.#stripe.transfers.create(
      {
        amount: request.amount,
        currency: request.currency.toLowerCase(),
        destination: request.destination,
        transfer_group: request.orderId,
        metadata: { payoutId: request.payoutId, orderId: request.orderId },
      },
      { idempotencyKey: `payout-${request.payoutId}` },
    )
    return { transferId: transfer.id }
  }

  /** An Express connected account for the seller (made once, keyed by them) and its onboarding link. */
  async sellerOnboarding(request: {
    sellerId: string
    accountId: string | null
    returnUrl: string
  }): Promise<{ accountId: string; url: string }> {
    const accountId =
      request.accountId ??
      (
        await this.#stripe.accounts.create(
          { type: 'express', metadata: { sellerId: request.sellerId } },
          { idempotencyKey: `account-${request.sellerId}` },
        )
      ).id
    const link = await this.#stripe.accountLinks.create({
      account: accountId,
      type: 'account_onboarding',
      refresh_url: request.returnUrl,
      return_url: request.returnUrl,
    })
    return { accountId, url: link.url }
  }

  async refund(intentId: string, request: { paymentId: string }): Promise<void> {
    await this.#settle(intentId, ['refunded'], () =>
      this.#stripe.refunds.create(
        { payment_intent: intentId },
        { idempotencyKey: `refund-${request.paymentId}` },
      ),
    )
  }

  /**
   * A call that moves an intent on; if Stripe answers that the intent is not in a state for it, the call may
   * already have been made (by another instance, or before a crash): fine when the intent is where we wanted.
   */
  async #settle(intentId: string, done: IntentStatus[], call: () => Promise<unknown>): Promise<void> {
    try {
      await call()
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error
      const current = await this.lookup(intentId)
      if (!done.includes(current.status)) throw error
    }
  }
}

function toIntent(intent: Stripe.PaymentIntent): Intent {
  const status = intentStatus(intent)
  return {
    id: intent.id,
    status,
    ...(status === 'requires_action' && intent.client_secret && { clientSecret: intent.client_secret }),
    ...(status === 'declined' && {
      declineReason: intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? 'declined',
    }),
  }
}

function intentStatus(intent: Stripe.PaymentIntent): IntentStatus {
  switch (intent.status) {
    case 'requires_payment_method':
      // Back to the start after a refused card or a failed authentication: this attempt is over.
      return intent.last_payment_error ? 'declined' : 'unconfirmed'
    case 'requires_confirmation':
      return 'unconfirmed'
    case 'requires_action':
      return 'requires_action'
    case 'processing':
      return 'processing'
    case 'requires_capture':
      return 'authorized'
    case 'canceled':
      return 'voided'
    case 'succeeded': {
      const charge = intent.latest_charge
      return typeof charge === 'object' && charge?.refunded ? 'refunded' : 'captured'
    }
    default:
      return 'processing'
  }
}
