import Type, { type Static } from 'typebox'

/** The marketplace's fees, as percentages of a ticket's price (tickets' configuration). */
export interface FeeRates {
  buyerPercent: number
  sellerPercent: number
}

/** A ticket's fees in minor units, fixed when its price is set so that the price shown is the price paid. */
export interface TicketFees {
  buyer_fee: number
  seller_fee: number
}

/**
 * `percent` of an amount in minor units, rounded to the nearest minor unit (a half up). The percent is taken
 * in hundredths, so 7.5 % of 1,005 is 1005 × 750 / 10,000 = 75.375 → 75, with no binary fraction in between.
 */
export function feeOn(amount: number, percent: number): number {
  return Math.round((amount * Math.round(percent * 100)) / 10_000)
}

export function feesFor(price: number, rates: FeeRates): TicketFees {
  return { buyer_fee: feeOn(price, rates.buyerPercent), seller_fee: feeOn(price, rates.sellerPercent) }
}

/** GET /api/tickets/fees: what a seller's form needs to show "you receive" as the price is typed. */
export const FeeSchedule = Type.Object({
  buyerFeePercent: Type.Number(),
  sellerFeePercent: Type.Number(),
  currency: Type.String(),
})
export type FeeSchedule = Static<typeof FeeSchedule>
