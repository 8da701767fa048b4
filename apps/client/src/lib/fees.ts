/**
 * What a price comes to with the marketplace's fees, as tickets counts it (services/tickets/src/fees): the
 * rates come from GET /api/tickets/fees, and the rounding is the same, so the form shows to the cent what the
 * listing will say. Amounts in major units of a currency with two decimals, as the sell form takes them.
 */
import type { FeeSchedule } from './types'

/** `percent` of an amount in minor units, rounded to the nearest one, a half up (tickets' feeOn). */
export function feeOn(amount: number, percent: number): number {
  return Math.round((amount * Math.round(percent * 100)) / 10_000)
}

export interface Quote {
  buyerTotal: number
  buyerFee: number
  sellerFee: number
  sellerNet: number
}

export function quote(price: number, fees: FeeSchedule): Quote {
  const cents = Math.round(price * 100)
  const buyerFee = feeOn(cents, fees.buyerFeePercent)
  const sellerFee = feeOn(cents, fees.sellerFeePercent)
  return {
    buyerFee: buyerFee / 100,
    buyerTotal: (cents + buyerFee) / 100,
    sellerFee: sellerFee / 100,
    sellerNet: (cents - sellerFee) / 100,
  }
}
