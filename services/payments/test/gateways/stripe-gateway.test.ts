import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CardDeclinedError, type OpenRequest } from '../../src/gateways/payment-gateway.js'
import { StripeGateway } from '../../src/gateways/stripe-gateway.js'
import { fakeStripe } from './fake-stripe.js'

describe('the Stripe gateway', () => {
  const stripe = fakeStripe()
  let gateway: StripeGateway
  beforeAll(async () => {
    const port = await stripe.listen()
    gateway = new StripeGateway({
      secretKey: 'sk_test_fake',
      host: '127.0.0.1',
      port,
      protocol: 'http',
      timeoutMs: 300,
    })
  })
  afterEach(() => stripe.reset())
  afterAll(() => stripe.close())

  const attempt = (): OpenRequest => ({
    paymentId: randomUUID(),
    orderId: randomUUID(),
    amount: 1999,
    currency: 'USD',
  })

  it('opens a manual-capture PaymentIntent keyed by the attempt, authorises the card, captures it, refunds it', async () => {
    const request = attempt()
    const { intentId } = await gateway.open(request)
    const [opened] = stripe.received
    expect(opened!.path).toBe('/v1/payment_intents')
    expect(opened!.idempotencyKey).toBe(`open-${request.paymentId}`)
    expect(Object.fromEntries(opened!.form)).toMatchObject({
      amount: '1999',
      currency: 'usd',
      capture_method: 'manual',
      'allowed_payment_method_types[0]': 'card',
      'metadata[orderId]': request.orderId,
      'metadata[paymentId]': request.paymentId,
    })
    expect(opened!.form.has('confirm')).toBe(false) // nothing touches the card until authorize

    expect(await gateway.authorize(intentId, { paymentId: request.paymentId, token: 'tok_visa' })).toEqual({
      id: intentId,
      status: 'authorized',
    })
    expect(stripe.received[1]!.idempotencyKey).toBe(`authorize-${request.paymentId}`)
    expect(stripe.received[1]!.form.get('payment_method')).toBe('tok_visa')

    await gateway.capture(intentId, { paymentId: request.paymentId })
    expect((await gateway.lookup(intentId)).status).toBe('captured')
    await gateway.refund(intentId, { paymentId: request.paymentId })
    expect((await gateway.lookup(intentId)).status).toBe('refunded')
    const refund = stripe.received.find((received) => received.path === '/v1/refunds')!
    expect(refund.idempotencyKey).toBe(`refund-${request.paymentId}`)
    expect(refund.form.get('payment_intent')).toBe(intentId)
  })

  it('answers a card that needs 3-D Secure with its client secret', async () => {
    const request = attempt()
    const { intentId } = await gateway.open(request)
    const intent = await gateway.authorize(intentId, {
      paymentId: request.paymentId,
      token: 'tok_threeDSecure2Required',
    })
    expect(intent).toEqual({
      id: intentId,
      status: 'requires_action',
      clientSecret: `${intentId}_secret_fake`,
    })
    stripe.authenticate(intentId)
    expect(await gateway.completeAction(intentId)).toEqual({ id: intentId, status: 'authorized' })
  })

  it('turns a card error into CardDeclinedError, and a lookup sees the attempt declined', async () => {
    const request = attempt()
    const { intentId } = await gateway.open(request)
    await expect(
      gateway.authorize(intentId, { paymentId: request.paymentId, token: 'tok_chargeDeclined' }),
    ).rejects.toEqual(new CardDeclinedError('generic_decline'))
    expect(await gateway.lookup(intentId)).toEqual({
      id: intentId,
      status: 'declined',
      declineReason: 'generic_decline',
    })
  })

  it('voids an authorisation, and takes a second void (another instance, a retry after a crash) as done', async () => {
    const request = attempt()
    const { intentId } = await gateway.open(request)
    await gateway.authorize(intentId, { paymentId: request.paymentId, token: 'tok_visa' })
    await gateway.void(intentId, { paymentId: request.paymentId })
    stripe.reset() // Stripe forgets the key: the second cancel is refused as the wrong state
    await gateway.void(intentId, { paymentId: request.paymentId })
    expect((await gateway.lookup(intentId)).status).toBe('voided')
    await expect(gateway.capture(intentId, { paymentId: request.paymentId })).rejects.toThrow(
      /status is canceled/,
    )
  })

  it('retries a timed-out authorisation with the same idempotency key, so the card is presented once', async () => {
    const request = attempt()
    const { intentId } = await gateway.open(request)
    stripe.stallNextRequest()
    expect(
      (await gateway.authorize(intentId, { paymentId: request.paymentId, token: 'tok_visa' })).status,
    ).toBe('authorized')
    const confirms = stripe.received.filter((received) => received.path.endsWith('/confirm'))
    expect(confirms.map((received) => received.idempotencyKey)).toEqual([
      `authorize-${request.paymentId}`,
      `authorize-${request.paymentId}`,
    ])
  })
})
