import { randomBytes } from 'node:crypto'
import {
  CardDeclinedError,
  type ChargeRequest,
  type PaymentGateway,
  type RefundRequest,
} from './payment-gateway.js'

/** Stripe's documented test tokens that are refused, with the reason Stripe gives. */
const DECLINED: Record<string, string> = {
  tok_chargeDeclined: 'card_declined',
  tok_chargeDeclinedInsufficientFunds: 'insufficient_funds',
}

/**
 * A gateway without a network, for development and tests: `tok_visa` is charged, every other token is
 * refused. It keeps what it did in memory, so tests can see which charges were made and given back.
 */
export class SandboxGateway implements PaymentGateway {
  readonly charges = new Map<string, ChargeRequest>()
  readonly refunds = new Set<string>()

  async charge(request: ChargeRequest): Promise<{ chargeId: string }> {
    if (request.token !== 'tok_visa') throw new CardDeclinedError(DECLINED[request.token] ?? 'invalid_token')
    const chargeId = `ch_sandbox_${randomBytes(12).toString('hex')}`
    this.charges.set(chargeId, request)
    return { chargeId }
  }

  async refund(chargeId: string, _request: RefundRequest): Promise<void> {
    this.refunds.add(chargeId)
  }
}
