import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StripeGateway } from '../../src/gateways/stripe-gateway.js'
import { fakeStripe } from '../gateways/fake-stripe.js'
import { startPayments, type PaymentsHarness } from '../helpers.js'

const SECRET = 'whsec_test_secret'

describe('POST /api/payments/webhooks/stripe', () => {
  const stripe = fakeStripe()
  let payments: PaymentsHarness
  beforeAll(async () => {
    const port = await stripe.listen()
    payments = await startPayments(
      // The reconciler out of the way: what happens here is the webhook's doing.
      {
        PAYMENT_GATEWAY: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_fake',
        STRIPE_WEBHOOK_SECRET: SECRET,
        RECONCILE_ACTION_AFTER_SECONDS: '3600',
      },
      {
        gateway: () =>
          new StripeGateway({ secretKey: 'sk_test_fake', host: '127.0.0.1', port, protocol: 'http' }),
      },
    )
  })
  afterAll(async () => {
    await payments.close()
    await stripe.close()
  })

  function deliver(event: object, secret = SECRET) {
    const payload = JSON.stringify(event)
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret })
    return payments.app.inject({
      method: 'POST',
      url: '/api/payments/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      payload,
    })
  }

  const intentEvent = (id: string, intentId: string) => ({
    id,
    object: 'event',
    type: 'payment_intent.amount_capturable_updated',
    data: { object: stripe.intents.get(intentId) },
  })

  it('records the 3-D Secure a buyer finished, once however often Stripe delivers it', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const response = await payments.pay(order.id, 'tok_threeDSecure2Required', buyer.cookies)
    expect(response.json()).toMatchObject({
      status: 'requires_action',
      clientSecret: expect.stringContaining('_secret_'),
    })
    const [attempt] = await payments.paymentsOf(order.id)
    stripe.authenticate(attempt!.gateway_charge_id!)

    const event = intentEvent('evt_1', attempt!.gateway_charge_id!)
    expect((await deliver(event)).statusCode).toBe(200)
    expect((await deliver(event)).statusCode).toBe(200)
    expect((await payments.paymentsOf(order.id)).map((row) => row.status)).toEqual(['authorized'])
    expect(
      (await payments.outbox('payment.created')).filter((created) => created.id === attempt!.id),
    ).toHaveLength(1)
    expect(await payments.db.selectFrom('webhook_events').select(['id', 'type']).execute()).toEqual([
      { id: 'evt_1', type: 'payment_intent.amount_capturable_updated' },
    ])
  })

  it('refuses an event whose signature does not match, and changes nothing', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    await payments.pay(order.id, 'tok_threeDSecure2Required', buyer.cookies)
    const [attempt] = await payments.paymentsOf(order.id)
    stripe.authenticate(attempt!.gateway_charge_id!)
    const forged = await deliver(intentEvent('evt_forged', attempt!.gateway_charge_id!), 'whsec_someone_else')
    expect(forged.statusCode).toBe(400)
    expect(forged.json()).toEqual({ errors: [{ message: 'The webhook signature does not match' }] })
    expect((await payments.paymentsOf(order.id)).map((row) => row.status)).toEqual(['requires_action'])
  })
})
