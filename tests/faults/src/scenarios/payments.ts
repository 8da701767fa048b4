import type { ApiClient } from '@ticketing/stack'
import { killAndRestart, poll, type FaultContext, type Scenario } from '../harness.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Payments' reconciler at fault-suite speed: attempts with no known outcome are looked up after 2 s. */
const QUICK_RECONCILER = { RECONCILE_PENDING_AFTER_SECONDS: '2', RECONCILE_RETRY_SECONDS: '1' }

interface Reserved {
  buyer: ApiClient
  orderId: string
  expiresAt: string
}

/** A new listing reserved by one of the pool's buyers: the order, once orders knows the ticket. */
async function reserve({ users }: FaultContext, worker: number, price = 30): Promise<Reserved | undefined> {
  const seller = await users.seller(worker)
  const buyer = await users.buyer(worker)
  const listed = await seller.post<{ id: string }>('/api/tickets', { title: 'Payment fault', price })
  if (listed.status !== 201) return undefined
  const order = await poll(async () => {
    const response = await buyer.post<{ id: string; expiresAt: string }>('/api/orders', {
      ticketId: listed.body.id,
    })
    return response.status === 201 ? response.body : undefined
  }, 20_000)
  return order && { buyer, orderId: order.id, expiresAt: order.expiresAt }
}

function pay(reserved: Reserved, token = 'tok_visa') {
  return reserved.buyer.post<{ id: string; status: string }>('/api/payments', {
    orderId: reserved.orderId,
    token,
  })
}

/**
 * The gateway authorises the card and its answer never comes back (the sandbox's
 * `tok_sandbox_timeoutAfterAuthorize`), or it times out before acting: every attempt ends known, the first
 * kind captured for a complete order or voided, the second released (I2, I3, I7).
 */
export const gatewayTimeout: Scenario = {
  name: 'gateway-timeout',
  env: QUICK_RECONCILER,
  load: { workers: 2 },
  async inject(context) {
    const tokens = ['tok_sandbox_timeoutAfterAuthorize', 'tok_sandbox_timeoutBeforeAuthorize']
    for (let attempt = 0; attempt < 6; attempt++) {
      const reserved = await reserve(context, 90 + (attempt % 3))
      if (!reserved) {
        context.problem('could not reserve a ticket to pay for')
        continue
      }
      const answer = await pay(reserved, tokens[attempt % 2])
      context.log(`${tokens[attempt % 2]}: ${answer.status} ${JSON.stringify(answer.body)}`)
      if (answer.status >= 500 && answer.status !== 503) context.problem(`payment answered ${answer.status}`)
    }
  },
}

/**
 * payments is killed (SIGKILL) while payments are in flight: some kills land after the card was authorised and
 * before the attempt was recorded, some before the card was touched. Once restarted, the reconciler resolves
 * every attempt; no money is held or taken without a sale (I2, I3, I7).
 */
export const paymentsKilledMidPayment: Scenario = {
  name: 'payments-killed-mid-payment',
  env: QUICK_RECONCILER,
  load: { workers: 2 },
  async inject(context) {
    for (let burst = 0; burst < 3; burst++) {
      const reserved = (
        await Promise.all(Array.from({ length: 6 }, (_, index) => reserve(context, 80 + index)))
      ).filter((order): order is Reserved => order !== undefined)
      const payments = reserved.map((order) => pay(order).catch(() => undefined))
      await sleep(Math.random() * 150)
      context.log(`SIGKILL payments with ${reserved.length} payments in flight`)
      await killAndRestart(context.stack, 'payments')
      await Promise.all(payments)
    }
  },
}

/**
 * Buyers pay right around the moment their hold runs out: whatever wins, the order ends complete with the
 * payment captured, or cancelled with the authorisation voided (I2, I3, I4).
 */
export const paymentRacingExpiry: Scenario = {
  name: 'payment-racing-expiry',
  load: { workers: 2, endings: { pay: 1, expire: 1 } },
  async inject(context) {
    const reserved = (
      await Promise.all(Array.from({ length: 8 }, (_, index) => reserve(context, 70 + index)))
    ).filter((order): order is Reserved => order !== undefined)
    const offsets = [-600, -300, -150, -50, 0, 50, 150, 400]
    await Promise.all(
      reserved.map(async (order, index) => {
        await sleep(Date.parse(order.expiresAt) + offsets[index % offsets.length]! - Date.now())
        const answer = await pay(order)
        context.log(`paid ${offsets[index % offsets.length]} ms from the end of the hold: ${answer.status}`)
      }),
    )
  },
}
