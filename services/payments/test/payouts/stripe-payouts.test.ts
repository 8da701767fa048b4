import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { StripeGateway } from '../../src/gateways/stripe-gateway.js'
import { fakeStripe } from '../gateways/fake-stripe.js'
import { startPayments, type PaymentsHarness } from '../helpers.js'

const EVENTUALLY = { timeout: 15_000, interval: 50 }

describe('payouts through Stripe Connect', () => {
  const stripe = fakeStripe()
  let payments: PaymentsHarness
  beforeAll(async () => {
    const port = await stripe.listen()
    payments = await startPayments(
      { PAYOUT_INTERVAL_MS: '100', PUBLIC_URL: 'https://tickets.example' },
      {
        gateway: () =>
          new StripeGateway({
            secretKey: 'sk_test_fake',
            host: '127.0.0.1',
            port,
            protocol: 'http',
            timeoutMs: 2_000,
          }),
      },
    )
  })
  afterAll(async () => {
    await payments.close()
    await stripe.close()
  })

  /** A completed sale of a ticket without event (released at once), recorded as orders would announce it. */
  async function completedSale(sellerId: string) {
    const order = await payments.placeOrder(randomUUID(), {
      total: 5500,
      ticket: { id: randomUUID(), version: 1, price: 5000, currency: 'USD', sellerId, sellerNet: 4750 },
    })
    // The card side is Stripe's and tested elsewhere; here the sale is simply complete.
    await payments.completeOrder(order)
    await vi.waitFor(async () => {
      const row = await payments.db
        .selectFrom('payouts')
        .select('id')
        .where('order_id', '=', order.id)
        .executeTakeFirst()
      expect(row).toBeDefined()
    }, EVENTUALLY)
    return order
  }

  const statusOf = async (orderId: string) =>
    await payments.db
      .selectFrom('payouts')
      .select(['status', 'transfer_id'])
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow()

  it('keeps a payout releasable until its seller sets up an account, then transfers it there, once', async () => {
    const seller = await payments.buyer()
    const order = await completedSale(seller.id)
    await vi.waitFor(async () => expect((await statusOf(order.id)).status).toBe('releasable'), EVENTUALLY)
    const account = await payments.app.inject({
      url: '/api/payments/payouts/account',
      cookies: seller.cookies,
    })
    expect(account.json()).toEqual({ needed: true, connected: false })

    const onboarding = await payments.app.inject({
      method: 'POST',
      url: '/api/payments/payouts/onboarding',
      cookies: seller.cookies,
    })
    expect(onboarding.statusCode, onboarding.body).toBe(200)
    expect(onboarding.json().url).toMatch(/^https:\/\/connect\.stripe\.test\/setup\/acct_/)
    const link = stripe.received.find((request) => request.path === '/v1/account_links')!
    expect(link.form.get('return_url')).toBe('https://tickets.example/payouts')
    // Asked again, the same account: a new link to it, no second account.
    await payments.app.inject({
      method: 'POST',
      url: '/api/payments/payouts/onboarding',
      cookies: seller.cookies,
    })
    expect(stripe.received.filter((request) => request.path === '/v1/accounts')).toHaveLength(1)

    await vi.waitFor(async () => expect((await statusOf(order.id)).status).toBe('paid'), EVENTUALLY)
    const payout = await statusOf(order.id)
    const [transfer] = stripe.transfers
    expect(transfer).toEqual({
      id: payout.transfer_id,
      object: 'transfer',
      amount: 4750,
      currency: 'usd',
      destination: onboarding.json().url.split('/').at(-1),
    })
    const { id } = await payments.db
      .selectFrom('payouts')
      .select('id')
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow()
    const sent = stripe.received.filter((request) => request.path === '/v1/transfers')
    expect(new Set(sent.map((request) => request.idempotencyKey))).toEqual(new Set([`payout-${id}`]))
    expect(
      (await payments.app.inject({ url: '/api/payments/payouts/account', cookies: seller.cookies })).json(),
    ).toEqual({
      needed: true,
      connected: true,
    })
  })
})

describe('payout accounts with the sandbox', () => {
  let payments: PaymentsHarness
  beforeAll(async () => (payments = await startPayments()))
  afterAll(() => payments.close())

  it('need none: the sandbox pays sellers itself', async () => {
    const seller = await payments.buyer()
    const account = await payments.app.inject({
      url: '/api/payments/payouts/account',
      cookies: seller.cookies,
    })
    expect(account.json()).toEqual({ needed: false, connected: false })
    const onboarding = await payments.app.inject({
      method: 'POST',
      url: '/api/payments/payouts/onboarding',
      cookies: seller.cookies,
    })
    expect(onboarding.statusCode).toBe(400)
    expect(onboarding.json()).toEqual({
      errors: [{ message: 'Payouts here need no account of yours: they are paid without one' }],
    })
    expect(
      (await payments.app.inject({ method: 'POST', url: '/api/payments/payouts/onboarding' })).statusCode,
    ).toBe(401)
  })
})
