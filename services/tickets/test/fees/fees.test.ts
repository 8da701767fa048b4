import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { feeOn, feesFor } from '../../src/fees/fees.js'
import { startTickets, type TicketsHarness, type User } from '../helpers.js'

describe('fees', () => {
  it('takes a percentage of minor units, rounding to the nearest one, a half up', () => {
    expect(feeOn(1999, 10)).toBe(200) // 199.9
    expect(feeOn(4250, 5)).toBe(213) // 212.5
    expect(feeOn(4249, 5)).toBe(212) // 212.45
    expect(feeOn(1005, 7.5)).toBe(75) // 75.375, no binary fraction on the way
    expect(feeOn(1, 10)).toBe(0)
    expect(feeOn(100_000_000, 50)).toBe(50_000_000)
    expect(feeOn(12_345, 0)).toBe(0)
    // A currency without decimals is still whole units: 10 % of ¥1,005 is ¥101 (100.5 rounded up).
    expect(feeOn(1005, 10)).toBe(101)
  })

  it('never leaves the seller less than nothing', () => {
    for (let price = 1; price < 5000; price += 7) {
      const { buyer_fee, seller_fee } = feesFor(price, { buyerPercent: 10, sellerPercent: 50 })
      expect(seller_fee).toBeLessThanOrEqual(price)
      expect(buyer_fee).toBeGreaterThanOrEqual(0)
    }
  })
})

describe('fees as configured', () => {
  let tickets: TicketsHarness
  let seller: User
  beforeAll(async () => {
    tickets = await startTickets({ BUYER_FEE_PERCENT: '12.5', SELLER_FEE_PERCENT: '3', CURRENCY: 'EUR' })
    seller = await tickets.user()
  })
  afterAll(() => tickets.close())

  it('GET /api/tickets/fees tells a seller’s form the rates and the currency', async () => {
    const response = await tickets.app.inject({ url: '/api/tickets/fees' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ buyerFeePercent: 12.5, sellerFeePercent: 3, currency: 'EUR' })
  })

  it('fixes a listing’s fees with its price, and an edit fixes them again', async () => {
    const ticket = await tickets.createTicket(seller, { title: 'Opera', price: 80 })
    expect(ticket).toMatchObject({ price: 80, buyerFee: 10, buyerTotal: 90, sellerFee: 2.4, sellerNet: 77.6 })
    const edit = await tickets.app.inject({
      method: 'PUT',
      url: `/api/tickets/${ticket.id}`,
      payload: { title: 'Opera', price: 10.01 },
      cookies: seller.cookies,
    })
    // 12.5 % of 10.01 is 1.25125 → 1.25; 3 % is 0.3003 → 0.30.
    expect(edit.json()).toMatchObject({ buyerFee: 1.25, buyerTotal: 11.26, sellerFee: 0.3, sellerNet: 9.71 })
  })

  it('refuses rates outside 0–50 % at start', async () => {
    const { readConfig } = await import('../../src/config.js')
    const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tickets'
    expect(() => readConfig({ DATABASE_URL, BUYER_FEE_PERCENT: '-1' })).toThrow(/BUYER_FEE_PERCENT/)
    expect(() => readConfig({ DATABASE_URL, SELLER_FEE_PERCENT: '51' })).toThrow(/SELLER_FEE_PERCENT/)
    expect(readConfig({ DATABASE_URL })).toMatchObject({ BUYER_FEE_PERCENT: 10, SELLER_FEE_PERCENT: 5 })
  })
})
