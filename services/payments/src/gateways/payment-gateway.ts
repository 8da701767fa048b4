export interface ChargeRequest {
  /**
   * Our id for this payment attempt. It keys the gateway's idempotency, so a retried request never charges
   * twice, while a new attempt for the same order (another card after a decline) is a new charge.
   */
  paymentId: string
  orderId: string
  /** Minor units. */
  amount: number
  /** ISO 4217, upper-case. */
  currency: string
  /** The card token from the client. */
  token: string
}

export interface RefundRequest {
  /** The payment attempt the charge was made for: keys the refund's idempotency. */
  paymentId: string
  orderId: string
}

/** Where cards are charged. Implementations: the sandbox (no network) and Stripe. */
export interface PaymentGateway {
  /** Charges the card and returns the gateway's id for the charge; throws CardDeclinedError when refused. */
  charge(request: ChargeRequest): Promise<{ chargeId: string }>
  /** Gives a charge back in full. Refunding the same payment again has no further effect. */
  refund(chargeId: string, request: RefundRequest): Promise<void>
}

/** The card was refused; nothing was charged. Any other failure of a gateway is ours, not the buyer's. */
export class CardDeclinedError extends Error {
  constructor(readonly reason: string) {
    super(`card declined: ${reason}`)
    this.name = 'CardDeclinedError'
  }
}
