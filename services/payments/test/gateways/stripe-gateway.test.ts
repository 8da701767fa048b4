import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CardDeclinedError, type ChargeRequest } from '../../src/gateways/payment-gateway.js'
import { StripeGateway } from '../../src/gateways/stripe-gateway.js'

interface Received {
  path: string
  idempotencyKey: string | undefined
  form: URLSearchParams
}

/**
 * Just enough of Stripe's API: form-encoded POSTs to /v1/payment_intents and /v1/refunds, card errors as
 * 402, and idempotency as Stripe keeps it: a retried key gets the first answer, without a second charge.
 */
function fakeStripe() {
  const received: Received[] = []
  const answers = new Map<string, { status: number; body: unknown }>()
  const held: ServerResponse[] = []
  let stallNext = false

  function answer(path: string, form: URLSearchParams) {
    if (path === '/v1/refunds') {
      return { status: 200, body: { id: `re_${randomUUID()}`, object: 'refund', status: 'succeeded' } }
    }
    if (form.get('payment_method') === 'tok_chargeDeclined') {
      const error = { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' }
      return { status: 402, body: { error } }
    }
    const intent = {
      id: `pi_${randomUUID().replaceAll('-', '')}`,
      object: 'payment_intent',
      status: 'succeeded',
      amount: Number(form.get('amount')),
      currency: form.get('currency'),
    }
    return { status: 200, body: intent }
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    const key = request.headers['idempotency-key'] as string | undefined
    const form = new URLSearchParams(body)
    received.push({ path: request.url ?? '', idempotencyKey: key, form })
    const replayKey = `${request.url} ${key}`
    const result = answers.get(replayKey) ?? answer(request.url ?? '', form)
    if (key) answers.set(replayKey, result)
    // Processed, but the answer never gets back in time: the client must retry.
    if (stallNext) {
      stallNext = false
      held.push(response)
      return
    }
    response.writeHead(result.status, { 'content-type': 'application/json', 'request-id': 'req_fake' })
    response.end(JSON.stringify(result.body))
  }

  const server = createServer((request, response) => void handle(request, response))
  return {
    received,
    /** How many charges the fake made: one per idempotency key, however often it was sent. */
    charges: () => [...answers.keys()].filter((key) => key.startsWith('/v1/payment_intents ')).length,
    stallNextRequest: () => (stallNext = true),
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return (server.address() as AddressInfo).port
    },
    reset() {
      received.length = 0
      answers.clear()
      for (const response of held.splice(0)) response.destroy()
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

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

  const chargeRequest = (token: string): ChargeRequest => ({
    paymentId: randomUUID(),
    orderId: randomUUID(),
    amount: 1999,
    currency: 'USD',
    token,
  })

  it('charges with a confirmed PaymentIntent keyed by the payment, and refunds it', async () => {
    const request = chargeRequest('tok_visa')
    const { chargeId } = await gateway.charge(request)
    expect(chargeId).toMatch(/^pi_/)
    const [charge] = stripe.received
    expect(charge!.path).toBe('/v1/payment_intents')
    expect(charge!.idempotencyKey).toBe(`charge-${request.paymentId}`)
    expect(Object.fromEntries(charge!.form)).toMatchObject({
      amount: '1999',
      currency: 'usd',
      payment_method: 'tok_visa',
      confirm: 'true',
      'allowed_payment_method_types[0]': 'card',
      'metadata[orderId]': request.orderId,
      'metadata[paymentId]': request.paymentId,
    })

    await gateway.refund(chargeId, { paymentId: request.paymentId, orderId: request.orderId })
    const refund = stripe.received[1]!
    expect(refund.path).toBe('/v1/refunds')
    expect(refund.idempotencyKey).toBe(`refund-${request.paymentId}`)
    expect(refund.form.get('payment_intent')).toBe(chargeId)
  })

  it('turns a card error into CardDeclinedError', async () => {
    await expect(gateway.charge(chargeRequest('tok_chargeDeclined'))).rejects.toEqual(
      new CardDeclinedError('card_declined'),
    )
  })

  it('retries a timed-out charge with the same idempotency key, so the card is charged once', async () => {
    stripe.stallNextRequest()
    const request = chargeRequest('tok_visa')
    const { chargeId } = await gateway.charge(request)
    expect(chargeId).toMatch(/^pi_/)
    expect(stripe.received.map((received) => received.idempotencyKey)).toEqual([
      `charge-${request.paymentId}`,
      `charge-${request.paymentId}`,
    ])
    expect(stripe.charges()).toBe(1)
  })
})
