import { describe, expect, it } from 'vitest'
import { feeOn, quote } from '../src/lib/fees.js'

const DEFAULT = { buyerFeePercent: 10, sellerFeePercent: 5, currency: 'USD' }

describe('the sell form’s quote', () => {
  it('shows what a buyer pays and what the seller receives, to the cent', () => {
    expect(quote(19.99, DEFAULT)).toEqual({ buyerFee: 2, buyerTotal: 21.99, sellerFee: 1, sellerNet: 18.99 })
    expect(quote(42.5, DEFAULT)).toEqual({
      buyerFee: 4.25,
      buyerTotal: 46.75,
      sellerFee: 2.13,
      sellerNet: 40.37,
    })
  })

  // The same cases as services/tickets/test/fees: the form must round as the listing will.
  it('rounds a fee to the nearest cent, a half up, with no binary fraction on the way', () => {
    expect(feeOn(1999, 10)).toBe(200)
    expect(feeOn(4250, 5)).toBe(213)
    expect(feeOn(4249, 5)).toBe(212)
    expect(feeOn(1005, 7.5)).toBe(75)
    expect(feeOn(1, 10)).toBe(0)
    expect(feeOn(100_000_000, 50)).toBe(50_000_000)
    expect(quote(10.01, { buyerFeePercent: 12.5, sellerFeePercent: 3, currency: 'EUR' })).toEqual({
      buyerFee: 1.25,
      buyerTotal: 11.26,
      sellerFee: 0.3,
      sellerNet: 9.71,
    })
  })
})
