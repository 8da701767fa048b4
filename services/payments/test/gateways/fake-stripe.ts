import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  method: string
  path: string
  idempotencyKey: string | undefined
  form: URLSearchParams
}

interface FakeIntent {
  id: string
  object: 'payment_intent'
  status: string
  amount: number
  currency: string
  capture_method: string
  client_secret: string
  metadata: Record<string, string>
  last_payment_error: { code: string; decline_code?: string } | null
  latest_charge: { id: string; object: 'charge'; refunded: boolean } | null
}

/**
 * Just enough of Stripe's API for our gateway: PaymentIntents with manual capture (create, confirm, retrieve,
 * capture, cancel), refunds, Connect accounts with their onboarding links and transfers to them, card errors as 402, a call the intent's state does not allow as 400
 * `payment_intent_unexpected_state`, and idempotency as Stripe keeps it: a retried key gets the first answer.
 */
export function fakeStripe() {
  const received: Received[] = []
  const answers = new Map<string, { status: number; body: unknown }>()
  const intents = new Map<string, FakeIntent>()
  const accounts = new Set<string>()
  const transfers: { id: string; amount: number; currency: string | null; destination: string }[] = []
  const held: ServerResponse[] = []
  let stallNext = false

  const unexpectedState = (intent: FakeIntent) => ({
    status: 400,
    body: {
      error: {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `This PaymentIntent's status is ${intent.status}.`,
      },
    },
  })
  const ok = (intent: FakeIntent) => ({ status: 200, body: intent })

  function answer(method: string, path: string, form: URLSearchParams): { status: number; body: unknown } {
    if (method === 'POST' && path === '/v1/payment_intents') {
      const id = `pi_${randomUUID().replaceAll('-', '')}`
      const metadata: Record<string, string> = {}
      for (const [key, value] of form) {
        const match = /^metadata\[(.+)\]$/.exec(key)
        if (match) metadata[match[1]!] = value
      }
      const intent: FakeIntent = {
        id,
        object: 'payment_intent',
        status: 'requires_payment_method',
        amount: Number(form.get('amount')),
        currency: form.get('currency') ?? '',
        capture_method: form.get('capture_method') ?? 'automatic',
        client_secret: `${id}_secret_fake`,
        metadata,
        last_payment_error: null,
        latest_charge: null,
      }
      intents.set(id, intent)
      return ok(intent)
    }
    // Connect: an Express account per seller, its onboarding link, and transfers from the platform to it.
    if (method === 'POST' && path === '/v1/accounts') {
      const id = `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`
      accounts.add(id)
      return { status: 200, body: { id, object: 'account', type: form.get('type') } }
    }
    if (method === 'POST' && path === '/v1/account_links') {
      const account = form.get('account') ?? ''
      if (!accounts.has(account))
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } }
      const url = `https://connect.stripe.test/setup/${account}`
      return { status: 200, body: { object: 'account_link', url, return_url: form.get('return_url') } }
    }
    if (method === 'POST' && path === '/v1/transfers') {
      const destination = form.get('destination') ?? ''
      if (!accounts.has(destination))
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } }
      const transfer = {
        id: `tr_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
        object: 'transfer',
        amount: Number(form.get('amount')),
        currency: form.get('currency'),
        destination,
      }
      transfers.push(transfer)
      return { status: 200, body: transfer }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = intents.get(form.get('payment_intent') ?? '')
      if (!intent || intent.status !== 'succeeded' || intent.latest_charge?.refunded) {
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', code: 'charge_already_refunded' } },
        }
      }
      intent.latest_charge!.refunded = true
      return { status: 200, body: { id: `re_${randomUUID()}`, object: 'refund', status: 'succeeded' } }
    }
    const match = /^\/v1\/payment_intents\/([^/?]+)(?:\/(confirm|capture|cancel))?/.exec(path)
    const intent = match && intents.get(match[1]!)
    if (!intent)
      return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing' } } }
    switch (match[2]) {
      case undefined:
        return ok(intent)
      case 'confirm': {
        if (!['requires_payment_method', 'requires_confirmation'].includes(intent.status)) {
          return unexpectedState(intent)
        }
        const token = form.get('payment_method')
        if (token === 'tok_chargeDeclined') {
          intent.status = 'requires_payment_method'
          intent.last_payment_error = { code: 'card_declined', decline_code: 'generic_decline' }
          const error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' }
          return { status: 402, body: { error: { ...error, message: 'Your card was declined.' } } }
        }
        intent.status = token === 'tok_threeDSecure2Required' ? 'requires_action' : 'requires_capture'
        return ok(intent)
      }
      case 'capture':
        if (intent.status !== 'requires_capture') return unexpectedState(intent)
        intent.status = 'succeeded'
        intent.latest_charge = { id: `ch_${randomUUID()}`, object: 'charge', refunded: false }
        return ok(intent)
      case 'cancel':
        if (['succeeded', 'canceled'].includes(intent.status)) return unexpectedState(intent)
        intent.status = 'canceled'
        return ok(intent)
    }
    return { status: 404, body: {} }
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    const key = request.headers['idempotency-key'] as string | undefined
    const form = new URLSearchParams(body)
    const method = request.method ?? 'GET'
    const path = request.url ?? ''
    received.push({ method, path, idempotencyKey: key, form })
    const replayKey = `${method} ${path.split('?')[0]} ${key}`
    const result = (key && answers.get(replayKey)) || answer(method, path, form)
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
    intents,
    transfers,
    /** The bank's side of 3-D Secure, done in the buyer's browser: the intent is authorised. */
    authenticate(intentId: string) {
      intents.get(intentId)!.status = 'requires_capture'
    },
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
