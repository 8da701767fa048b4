/** One payment attempt as the gateway is asked to open it: nothing is taken yet. */
export interface OpenRequest {
  /**
   * Our id for this payment attempt. It keys the gateway's idempotency, so a retried request (or the reconciler
   * asking again after a crash) finds the same intent, while a new attempt for the same order is a new one.
   */
  paymentId: string
  orderId: string
  /** Minor units. */
  amount: number
  /** ISO 4217, upper-case. */
  currency: string
}

/**
 * Where an attempt stands at the gateway. `authorized` means held on the card, not taken: it is `captured` once
 * orders accepts the payment, or `voided` if it cannot.
 */
export type IntentStatus =
  | 'unconfirmed'
  | 'requires_action'
  | 'processing'
  | 'authorized'
  | 'captured'
  | 'voided'
  | 'declined'
  | 'refunded'

export interface Intent {
  id: string
  status: IntentStatus
  /** With requires_action: what the buyer's browser needs to finish authentication (Stripe.js). */
  clientSecret?: string
  /** With declined: the gateway's reason (card_declined, insufficient_funds, authentication_failed…). */
  declineReason?: string
}

/**
 * Where cards are charged: the sandbox (no network, its ledger in our database) and Stripe. Every call is
 * idempotent per payment attempt, so any of them may be repeated after a timeout or a crash.
 */
export interface PaymentGateway {
  /** Opens the attempt without touching the card; the same paymentId always gives the same intent. */
  open(request: OpenRequest): Promise<{ intentId: string }>
  /**
   * Presents the card and authorises the amount (captured later), or answers that the bank wants the buyer to
   * authenticate. Throws CardDeclinedError when refused; any other error leaves the outcome unknown.
   */
  authorize(intentId: string, request: { paymentId: string; token: string }): Promise<Intent>
  /** Where the attempt stands now: the reconciler's and the webhooks' source of truth. */
  lookup(intentId: string): Promise<Intent>
  /**
   * The buyer says they finished authenticating. Stripe learns it from the bank, so this is a lookup; the
   * sandbox has no bank and takes the buyer's word.
   */
  completeAction(intentId: string): Promise<Intent>
  /** Takes the authorised amount. Capturing a captured intent again has no further effect. */
  capture(intentId: string, request: { paymentId: string }): Promise<void>
  /** Releases an attempt that was not captured (authorised, awaiting action or unconfirmed). Idempotent. */
  void(intentId: string, request: { paymentId: string }): Promise<void>
  /** Gives a captured amount back in full. Idempotent. */
  refund(intentId: string, request: { paymentId: string }): Promise<void>
  /** Whether paying a seller needs an account of theirs at the gateway (Stripe: a connected account). */
  readonly payoutsNeedSellerAccount: boolean
  /** Pays a seller what a sale owes them, to their account there; the same payoutId always pays once. */
  payOut(request: PayoutRequest): Promise<{ transferId: string }>
  /**
   * Where a seller sets up the account their payouts go to: their account there (made on first use) and the
   * page to finish it on. Absent where payouts need no account of the seller's (the sandbox).
   */
  sellerOnboarding?(request: {
    sellerId: string
    accountId: string | null
    returnUrl: string
  }): Promise<{ accountId: string; url: string }>
}

export interface PayoutRequest {
  payoutId: string
  orderId: string
  /** Minor units. */
  amount: number
  currency: string
  /** The seller's account at the gateway; null where the gateway needs none. */
  destination: string | null
}

/** The card was refused; nothing was charged. Any other failure of a gateway is ours, not the buyer's. */
export class CardDeclinedError extends Error {
  constructor(readonly reason: string) {
    super(`card declined: ${reason}`)
    this.name = 'CardDeclinedError'
  }
}
