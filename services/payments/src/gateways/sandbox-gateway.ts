import { randomBytes } from 'node:crypto'
import type { ColumnType, Kysely } from 'kysely'
import {
  CardDeclinedError,
  type Intent,
  type IntentStatus,
  type OpenRequest,
  type PaymentGateway,
  type PayoutRequest,
} from './payment-gateway.js'

/** Stripe's documented test tokens that are refused, with the reason Stripe gives. */
const DECLINED: Record<string, string> = {
  tok_chargeDeclined: 'card_declined',
  tok_chargeDeclinedInsufficientFunds: 'insufficient_funds',
}

/** Stripe's test token for a card whose bank always asks for 3-D Secure. */
const NEEDS_AUTHENTICATION = 'tok_threeDSecure2Required'

/**
 * Faults a real gateway has and Stripe's tokens cannot ask for: the request reaches the gateway, which does (or
 * does not do) the work, and the answer never comes back. Only the sandbox knows them, and the sandbox never
 * runs in production unless someone explicitly allows it.
 */
const TIMEOUT_AFTER_AUTHORIZE = 'tok_sandbox_timeoutAfterAuthorize'
const TIMEOUT_BEFORE_AUTHORIZE = 'tok_sandbox_timeoutBeforeAuthorize'

export interface SandboxIntentTable {
  id: string
  payment_id: string
  order_id: string
  amount: number
  currency: string
  status: IntentStatus
  decline_reason: string | null
  created_at: ColumnType<Date, never, never>
  updated_at: ColumnType<Date, never, Date>
}

export interface SandboxLedger {
  sandbox_intents: SandboxIntentTable
}

/** The gateway did not answer in time: whether it did the work is unknown. */
export class GatewayTimeoutError extends Error {
  constructor() {
    super('the payment gateway did not answer in time')
    this.name = 'GatewayTimeoutError'
  }
}

/**
 * A gateway without a network, for development and tests: `tok_visa` is authorised, the declining test tokens
 * are refused, `tok_threeDSecure2Required` asks for authentication. Its ledger is a table of the payments
 * database written outside payments' transactions, as a real gateway's records are, so it outlives a crash.
 */
export class SandboxGateway implements PaymentGateway {
  /** The sandbox moves no money: a payout is recorded paid, to no account of the seller's. */
  readonly payoutsNeedSellerAccount = false

  constructor(private readonly db: Kysely<SandboxLedger>) {}

  payOut(request: PayoutRequest): Promise<{ transferId: string }> {
    return Promise.resolve({ transferId: `sandbox_payout_${request.payoutId}` })
  }

  async open(request: OpenRequest): Promise<{ intentId: string }> {
    await this.db
      .insertInto('sandbox_intents')
      .values({
        id: `pi_sandbox_${randomBytes(12).toString('hex')}`,
        payment_id: request.paymentId,
        order_id: request.orderId,
        amount: request.amount,
        currency: request.currency,
        status: 'unconfirmed',
        decline_reason: null,
      })
      .onConflict((conflict) => conflict.column('payment_id').doNothing())
      .execute()
    const intent = await this.db
      .selectFrom('sandbox_intents')
      .select('id')
      .where('payment_id', '=', request.paymentId)
      .executeTakeFirstOrThrow()
    return { intentId: intent.id }
  }

  async authorize(intentId: string, request: { token: string }): Promise<Intent> {
    if (request.token === TIMEOUT_BEFORE_AUTHORIZE) throw new GatewayTimeoutError()
    const current = await this.#find(intentId)
    if (current.status !== 'unconfirmed') {
      if (current.status === 'voided') throw new Error(`sandbox: intent ${intentId} was cancelled`)
      return current // a repeated request gets the first one's outcome
    }
    const declined = request.token === NEEDS_AUTHENTICATION ? undefined : declineReason(request.token)
    const next: IntentStatus = declined
      ? 'declined'
      : request.token === NEEDS_AUTHENTICATION
        ? 'requires_action'
        : 'authorized'
    const intent = await this.#move(intentId, ['unconfirmed'], next, declined)
    if (request.token === TIMEOUT_AFTER_AUTHORIZE) throw new GatewayTimeoutError()
    if (intent.status === 'declined') throw new CardDeclinedError(intent.declineReason ?? 'card_declined')
    return intent
  }

  lookup(intentId: string): Promise<Intent> {
    return this.#find(intentId)
  }

  async #find(intentId: string): Promise<Intent> {
    const row = await this.db
      .selectFrom('sandbox_intents')
      .select(['id', 'status', 'decline_reason'])
      .where('id', '=', intentId)
      .executeTakeFirst()
    if (!row) throw new Error(`sandbox: no intent ${intentId}`)
    return toIntent(row)
  }

  async completeAction(intentId: string): Promise<Intent> {
    const current = await this.#find(intentId)
    if (current.status !== 'requires_action') return current
    return this.#move(intentId, ['requires_action'], 'authorized')
  }

  async capture(intentId: string): Promise<void> {
    await this.#move(intentId, ['authorized', 'captured'], 'captured')
  }

  async void(intentId: string): Promise<void> {
    await this.#move(intentId, ['unconfirmed', 'requires_action', 'authorized', 'voided'], 'voided')
  }

  async refund(intentId: string): Promise<void> {
    await this.#move(intentId, ['captured', 'refunded'], 'refunded')
  }

  /** Moves an intent on in one statement, as a gateway refuses a call its intent's state does not allow. */
  async #move(intentId: string, from: IntentStatus[], to: IntentStatus, reason?: string): Promise<Intent> {
    const row = await this.db
      .updateTable('sandbox_intents')
      .set({ status: to, decline_reason: reason ?? null, updated_at: new Date() })
      .where('id', '=', intentId)
      .where('status', 'in', from)
      .returning(['id', 'status', 'decline_reason'])
      .executeTakeFirst()
    if (!row) {
      const current = await this.#find(intentId)
      throw new Error(`sandbox: cannot move intent ${intentId} from ${current.status} to ${to}`)
    }
    return toIntent(row)
  }
}

function declineReason(token: string): string | undefined {
  if (token === 'tok_visa' || token === TIMEOUT_AFTER_AUTHORIZE) return undefined
  return DECLINED[token] ?? 'invalid_token'
}

function toIntent(row: { id: string; status: IntentStatus; decline_reason: string | null }): Intent {
  return {
    id: row.id,
    status: row.status,
    ...(row.status === 'requires_action' && { clientSecret: `${row.id}_secret_sandbox` }),
    ...(row.decline_reason && { declineReason: row.decline_reason }),
  }
}
