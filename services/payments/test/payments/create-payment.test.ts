import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPayments, type PaymentsHarness } from '../helpers.js'

describe('POST /api/payments', () => {
  let payments: PaymentsHarness
  beforeAll(async () => (payments = await startPayments()))
  afterAll(() => payments.close())

  it('authorises the order’s total, records the attempt and announces it; the money is taken once orders completes the order', async () => {
    const buyer = await payments.buyer()
    // The ticket's price is 25.00; with the buyer's fee the order's total, what is charged, is 27.50.
    const order = await payments.placeOrder(buyer.id, { total: 2750 })
    const response = await payments.pay(order.id, 'tok_visa', buyer.cookies)
    expect(response.statusCode).toBe(201)
    const { id } = response.json()
    expect(response.json()).toEqual({ id: expect.any(String), orderId: order.id, status: 'authorized' })
    const [row] = await payments.paymentsOf(order.id)
    expect(row).toMatchObject({ id, amount: 2750, currency: 'USD', status: 'authorized' })
    expect(await payments.intentsFor(order.id)).toEqual([
      { id: row!.gateway_charge_id, payment_id: id, status: 'authorized' },
    ])
    expect(await payments.outbox('payment.created')).toContainEqual({
      id,
      orderId: order.id,
      amount: 2750,
      currency: 'USD',
      gatewayChargeId: row!.gateway_charge_id,
    })

    await payments.completeOrder(order)
    await payments.settled(order.id, ['captured'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['captured'])
    expect(
      (await payments.app.inject({ url: `/api/payments/${id}`, cookies: buyer.cookies })).json(),
    ).toEqual({
      id,
      orderId: order.id,
      status: 'captured',
    })
  })

  it('waits a moment for an order it has not heard of yet: a buyer who pays right after reserving is not refused', async () => {
    const buyer = await payments.buyer()
    const order = {
      id: randomUUID(),
      version: 0,
      status: 'created' as const,
      userId: buyer.id,
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      ticket: { id: randomUUID(), version: 1, price: 2500, currency: 'USD' },
    }
    // Paid first, announced a moment later: the request is already waiting when order.created arrives.
    const paying = payments.pay(order.id, 'tok_visa', buyer.cookies)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await payments.publish(newEvent('order.created', order, '/orders'))
    expect((await paying).statusCode).toBe(201)
  })

  it('answers 400 to a second payment for the same order, without touching the card again', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    expect((await payments.pay(order.id, 'tok_visa', buyer.cookies)).statusCode).toBe(201)
    const second = await payments.pay(order.id, 'tok_visa', buyer.cookies)
    expect(second.statusCode).toBe(400)
    expect(second.json()).toEqual({ errors: [{ message: 'This order has already been paid' }] })
    expect(await payments.paymentsOf(order.id)).toHaveLength(1)
    expect(await payments.intentsFor(order.id)).toHaveLength(1)
  })

  it('keeps exactly one attempt when payments for one order race; the others never reach the gateway', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => payments.pay(order.id, 'tok_visa', buyer.cookies)),
    )
    const statuses = answers.map((answer) => answer.statusCode)
    expect(statuses.filter((status) => status === 201)).toHaveLength(1)
    // Refused as paid, or as in progress while the winner was still at the gateway.
    expect(statuses.filter((status) => status === 400 || status === 409)).toHaveLength(9)
    const rows = await payments.paymentsOf(order.id)
    expect(rows.map((row) => row.status)).toEqual(['authorized'])
    expect(await payments.intentsFor(order.id)).toEqual([
      { id: rows[0]!.gateway_charge_id, payment_id: rows[0]!.id, status: 'authorized' },
    ])
  })

  it('answers 400 for a cancelled order and for an expired one, touching no card', async () => {
    const buyer = await payments.buyer()
    const cancelled = await payments.placeOrder(buyer.id)
    await payments.cancelOrder(cancelled)
    const answer = await payments.pay(cancelled.id, 'tok_visa', buyer.cookies)
    expect(answer.statusCode).toBe(400)
    expect(answer.json()).toEqual({ errors: [{ message: 'This order was cancelled' }] })

    // Past its expiry but not cancelled yet: orders has not caught up, the hold is over all the same.
    const expired = await payments.placeOrder(buyer.id, {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    })
    const late = await payments.pay(expired.id, 'tok_visa', buyer.cookies)
    expect(late.statusCode).toBe(400)
    expect(late.json()).toEqual({ errors: [{ message: 'This order has expired' }] })
    expect(await payments.intentsFor(cancelled.id)).toEqual([])
    expect(await payments.intentsFor(expired.id)).toEqual([])
  })

  it('judges the hold by the database’s clock: a payments host five minutes ahead still takes a payment in time', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id, {
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    })
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5 * 60_000 })
    try {
      const response = await payments.pay(order.id, 'tok_visa', buyer.cookies)
      expect(response.statusCode).toBe(201)
    } finally {
      vi.useRealTimers()
    }
  })

  it('answers 401 signed out or for someone else’s order, 404 for an unknown one, 400 for bad input', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    expect((await payments.pay(order.id, 'tok_visa')).statusCode).toBe(401)
    const stranger = await payments.buyer()
    const theirs = await payments.pay(order.id, 'tok_visa', stranger.cookies)
    expect(theirs.statusCode).toBe(401)
    expect(theirs.json()).toEqual({ errors: [{ message: 'This belongs to someone else' }] })
    const missing = await payments.pay(randomUUID(), 'tok_visa', buyer.cookies)
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ errors: [{ message: 'Order not found' }] })

    const malformed = await payments.pay('nope', 'tok_visa', buyer.cookies)
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json()).toEqual({
      errors: [{ field: 'orderId', message: 'Order id must be a valid id' }],
    })
    const noToken = await payments.pay(order.id, '', buyer.cookies)
    expect(noToken.statusCode).toBe(400)
    expect(noToken.json().errors[0].field).toBe('token')
    expect(await payments.intentsFor(order.id)).toEqual([])
  })

  it('answers 402 for a declined card and leaves the order payable with another', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    for (const token of ['tok_chargeDeclined', 'tok_chargeDeclinedInsufficientFunds', 'tok_made_up']) {
      const declined = await payments.pay(order.id, token, buyer.cookies)
      expect(declined.statusCode).toBe(402)
      expect(declined.json()).toEqual({ errors: [{ message: 'Your card was declined' }] })
    }
    expect((await payments.pay(order.id, 'tok_visa', buyer.cookies)).statusCode).toBe(201)
    const rows = await payments.paymentsOf(order.id)
    expect(rows.map((row) => [row.status, row.decline_reason])).toEqual([
      ['declined', 'card_declined'],
      ['declined', 'insufficient_funds'],
      ['declined', 'invalid_token'],
      ['authorized', null],
    ])
  })

  it('answers 503 when the gateway cannot even open the attempt: nothing was charged, and a retry works', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    vi.spyOn(payments.gateway, 'open').mockRejectedValueOnce(new Error('connect ECONNREFUSED'))
    const refused = await payments.pay(order.id, 'tok_visa', buyer.cookies)
    expect(refused.statusCode).toBe(503)
    expect(refused.json().errors[0].message).toMatch(/nothing was charged/)
    expect((await payments.pay(order.id, 'tok_visa', buyer.cookies)).statusCode).toBe(201)
    expect((await payments.paymentsOf(order.id)).map((row) => row.status)).toEqual(['declined', 'authorized'])
  })

  it('has no Stripe webhooks with the sandbox gateway: 404', async () => {
    const response = await payments.app.inject({
      method: 'POST',
      url: '/api/payments/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(response.statusCode).toBe(404)
  })
})
