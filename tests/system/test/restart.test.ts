import { afterAll, expect, test } from 'vitest'
import { DEMO_ADMIN_EMAIL, DEMO_LISTINGS_ON_SALE, seedDemoMarketplace } from '@ticketing/stack'
import { eventually, startTestStack, type TestStack } from '../src/test-stack.js'

let stack: TestStack | undefined

afterAll(async () => {
  await stack?.cleanup()
}, 60_000)

interface Order {
  id: string
  status: string
}

test('a second start carries on with the first one’s data: listings, orders, sessions, no second seed', async () => {
  // The buyer retries until orders has heard of the ticket; the per-member rate is not the subject here.
  stack = await startTestStack({
    env: { ORDER_RATE_LIMIT_PER_MINUTE: '100000', ADMIN_EMAILS: DEMO_ADMIN_EMAIL },
  })
  await seedDemoMarketplace(stack.url, stack.dataDir, stack.output)
  const listed = await stack.visitor().get<unknown[]>('/api/tickets?limit=200')
  expect(listed.body).toHaveLength(DEMO_LISTINGS_ON_SALE)
  const events = await stack.visitor().get<{ status: string }[]>('/api/events?limit=200')
  expect(events.body.map((event) => event.status).sort()).toEqual([
    'postponed',
    ...Array(10).fill('scheduled'),
  ])

  const seller = await stack.signUp()
  const buyer = await stack.signUp()
  const ticket = await seller.post<{ id: string }>('/api/tickets', {
    title: 'Kept across restarts',
    price: 30,
  })
  const order = await eventually(async () => {
    const response = await buyer.post<Order>('/api/orders', { ticketId: ticket.body.id })
    return response.status === 201 ? response.body : undefined
  })

  stack = await stack.restart()
  await seedDemoMarketplace(stack.url, stack.dataDir, stack.output)

  // Same listings (the demo ones were not made again; the reserved one is off sale), same order, and the
  // buyer's session from before the restart still works: the key pair in the data folder was kept.
  const again = await stack.visitor().get<{ title: string }[]>('/api/tickets?limit=200')
  expect(again.body).toHaveLength(DEMO_LISTINGS_ON_SALE)
  const kept = await buyer.get<Order>(`/api/orders/${order.id}`)
  expect(kept.status).toBe(200)
  expect(['created', 'awaiting:payment']).toContain(kept.body.status) // still open: held, not paid
  expect((await buyer.request('DELETE', `/api/orders/${order.id}`)).status).toBe(204)
  // The events still flow after the restart: the cancellation frees the ticket.
  await eventually(async () => {
    const onSale = await stack!.visitor().get<{ title: string }[]>('/api/tickets')
    return onSale.body.some((listing) => listing.title === 'Kept across restarts') ? true : undefined
  })
}, 180_000)
