import Stripe from 'stripe'
import {
  CardDeclinedError,
  type ChargeRequest,
  type PaymentGateway,
  type RefundRequest,
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

/** Charges through Stripe PaymentIntents, confirmed at once with the card token as the payment method. */
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

  async charge(request: ChargeRequest): Promise<{ chargeId: string }> {
    try {
      const intent = await this.#stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          payment_method: request.token,
          // Renamed from payment_method_types in the API version this SDK pins.
          allowed_payment_method_types: ['card'],
          confirm: true,
          metadata: { orderId: request.orderId, paymentId: request.paymentId },
        },
        { idempotencyKey: `charge-${request.paymentId}` },
      )
      // Anything but succeeded (a card asking for 3-D Secure, say) cannot be completed here: nothing was taken.
      if (intent.status !== 'succeeded') throw new CardDeclinedError(intent.status)
      return { chargeId: intent.id }
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError)
        throw new CardDeclinedError(error.code ?? 'card_error')
      throw error
    }
  }

  async refund(chargeId: string, request: RefundRequest): Promise<void> {
    await this.#stripe.refunds.create(
      { payment_intent: chargeId },
      { idempotencyKey: `refund-${request.paymentId}` },
    )
  }
}
