import type { ApiClient } from '@ticketing/stack'
import { killAndRestart, poll, type FaultContext, type Scenario } from '../harness.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!

const ADMIN = 'admin@faults.test'
const PASSWORD = 'correct horse battery staple'

/** The stack's admin (ADMIN_EMAILS), signed up on first use and signed in after. */
async function asAdmin({ stack }: FaultContext): Promise<ApiClient> {
  const client = stack.visitor()
  const signedIn = await client.post('/api/users/signin', { email: ADMIN, password: PASSWORD })
  return signedIn.status === 200 ? client : stack.signUp(ADMIN)
}

/** A buyer's order for the ticket, once orders has heard of it. */
async function reserve(buyer: ApiClient, ticketId: string): Promise<string | undefined> {
  const order = await poll(async () => {
    const response = await buyer.post<{ id: string }>('/api/orders', { ticketId })
    return response.status === 201 ? response.body : undefined
  }, 20_000)
  return order?.id
}

/**
 * An event is cancelled while its tickets are on sale, held and being paid for, and a service of the cascade
 * crashes (SIGKILL) a moment after: tickets (which withdraws the listings and releases held ones), orders
 * (which cancels the event's orders, complete ones included) or payments (which refunds or voids their
 * money). Once healed, every listing of the event is withdrawn or sold, no order of it is open or complete
 * (I9), and no money stays taken (I3), each effect once (I7).
 */
export const eventCancelled: Scenario = {
  name: 'event-cancelled',
  env: { ADMIN_EMAILS: ADMIN },
  load: { workers: 2 },
  async inject(context) {
    const { stack, log, problem } = context
    const admin = await asAdmin(context)
    for (const crashed of ['orders', 'payments', pick(['tickets', 'orders', 'payments'] as const)] as const) {
      const event = await admin.post<{ id: string }>('/api/events', {
        name: `Gala ${Math.random().toString(36).slice(2, 8)}`,
        venue: 'Hall',
        city: 'Leeds',
        timezone: 'Europe/London',
        category: 'comedy',
        startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      })
      if (event.status !== 201) {
        problem(`the event could not be created: ${event.status}`)
        continue
      }
      const seller = await stack.signUp()
      const listings: string[] = []
      for (let n = 0; n < 6; n++) {
        const listed = await seller.post<{ id: string }>('/api/tickets', {
          eventId: event.body.id,
          price: 20 + n,
        })
        if (listed.status === 201) listings.push(listed.body.id)
      }
      // Two paid for, two held, two left on sale; the payments are not waited for, so some captures race
      // the cancellation.
      const orders = await Promise.all(
        listings.slice(0, 4).map(async (ticketId) => {
          const buyer = await stack.signUp()
          return { buyer, orderId: await reserve(buyer, ticketId) }
        }),
      )
      const payments = orders
        .slice(0, 2)
        .flatMap(({ buyer, orderId }) =>
          orderId ? [buyer.post('/api/payments', { orderId, token: 'tok_visa' }).catch(() => undefined)] : [],
        )
      await sleep(Math.random() * 300)
      const cancelled = await admin.post(`/api/events/${event.body.id}/cancel`, {})
      log(`cancelled event ${event.body.id}: ${cancelled.status}; SIGKILL ${crashed}`)
      if (cancelled.status !== 200) problem(`the cancellation answered ${cancelled.status}`)
      await sleep(Math.random() * 200)
      await killAndRestart(stack, crashed)
      await Promise.all(payments)
    }
  },
}

/** How long each step of the resale scenario waits for the stack to accept it. */
const STEP_MS = 30_000

/** A buyer's order for the ticket paid with the sandbox's Visa, once orders and payments know of it. */
async function buyAndPay(buyer: ApiClient, ticketId: string): Promise<string | undefined> {
  const orderId = await reserve(buyer, ticketId)
  if (!orderId) return undefined
  const paid = await poll(async () => {
    const response = await buyer.post('/api/payments', { orderId, token: 'tok_visa' }).catch(() => undefined)
    return response && response.status !== 404 && response.status < 500 ? response : undefined
  }, STEP_MS)
  return paid?.status === 201 ? orderId : undefined
}

/**
 * A ticket changes hands while services crash: bought, relisted by its buyer, bought by a second member and
 * given to a third, with tickets, orders or payments killed (SIGKILL) right after each step. Once healed,
 * the last holder holds it, both sales are charged their totals and owe their sellers their nets once (I8),
 * and tickets and orders agree on the one order that holds it (I1).
 */
export const ticketResold: Scenario = {
  name: 'ticket-resold',
  load: { workers: 2 },
  async inject(context) {
    const { stack, log, problem } = context
    const crash = async (step: string) => {
      const service = pick(['tickets', 'orders', 'payments'] as const)
      await sleep(Math.random() * 150)
      log(`${step}; SIGKILL ${service}`)
      await killAndRestart(stack, service)
    }
    const [seller, first, second, friend] = await Promise.all([
      stack.signUp(),
      stack.signUp(),
      stack.signUp(),
      stack.signUp(),
    ])
    const listed = await seller.post<{ id: string }>('/api/tickets', {
      title: 'Resold under faults',
      price: 40,
    })
    if (listed.status !== 201) return problem(`the listing answered ${listed.status}`)
    const ticketId = listed.body.id
    const holderIs = (member: { id: string }) =>
      poll(async () => {
        const { body } = await stack.visitor().get<{ holderId?: string }>(`/api/tickets/${ticketId}`)
        return body.holderId === member.id ? true : undefined
      }, 60_000)

    if (!(await buyAndPay(first, ticketId))) return problem('the first purchase did not go through')
    await crash('first purchase paid')
    if (!(await holderIs(first))) return problem('the first buyer never came to hold the ticket')
    const relisted = await poll(async () => {
      const response = await first
        .post(`/api/tickets/${ticketId}/relist`, { price: 60 })
        .catch(() => undefined)
      return response?.status === 200 ? response : undefined
    }, STEP_MS)
    if (!relisted) return problem('the first buyer could not relist the ticket')
    await crash('relisted')
    if (!(await buyAndPay(second, ticketId))) return problem('the second purchase did not go through')
    await crash('second purchase paid')
    if (!(await holderIs(second))) return problem('the second buyer never came to hold the ticket')
    const given = await poll(async () => {
      const response = await second
        .post(`/api/tickets/${ticketId}/transfer`, { email: friend.email })
        .catch(() => undefined)
      return response?.status === 200 ? response : undefined
    }, STEP_MS)
    if (!given) return problem('the second buyer could not give the ticket away')
    await crash('given away')
    if (!(await holderIs(friend))) problem('the friend never came to hold the ticket')
  },
}
