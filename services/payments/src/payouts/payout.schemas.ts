import { pageQuery, toMajorUnits } from '@ticketing/common'
import Type, { type Static } from 'typebox'
import type { PayoutRow } from './payout.table.js'

export const ListPayoutsQuery = Type.Object({ ...pageQuery })

export const PayoutAccount = Type.Object({
  /** Whether payouts here go to an account of the seller's at the gateway (Stripe Connect). */
  needed: Type.Boolean(),
  /** Whether the seller has set one up. */
  connected: Type.Boolean(),
})

export const OnboardingLink = Type.Object({
  /** Where the seller enters their bank details; it sends them back to the Payouts page. */
  url: Type.String(),
})

export const Payout = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  ticketId: Type.Optional(Type.String()),
  /** Major units: what the seller receives. */
  amount: Type.Number(),
  currency: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('releasable'),
    Type.Literal('paid'),
    Type.Literal('cancelled'),
  ]),
  /** When it is (or was) released; absent while its event's start is not known here yet. */
  releaseAt: Type.Optional(Type.String()),
  paidAt: Type.Optional(Type.String()),
})
export type Payout = Static<typeof Payout>

export function payoutJson(payout: PayoutRow & { release_at: Date | null }): Payout {
  return {
    id: payout.id,
    orderId: payout.order_id,
    ...(payout.ticket_id !== null && { ticketId: payout.ticket_id }),
    amount: toMajorUnits(payout.amount, payout.currency),
    currency: payout.currency,
    status: payout.status,
    ...(payout.release_at !== null && { releaseAt: payout.release_at.toISOString() }),
    ...(payout.paid_at !== null && { paidAt: payout.paid_at.toISOString() }),
  }
}
