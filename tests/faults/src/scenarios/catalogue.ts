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
