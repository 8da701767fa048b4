import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createDb } from '@ticketing/common'
import { sql, type Kysely } from 'kysely'
import type { ApiClient } from '@ticketing/stack'
import { eventually, startTestStack, type TestStack } from '../src/test-stack.js'

// A ticket changing hands through the whole marketplace, each part its own process behind the gateway: sold,
// sold on, given away; then the money, across every service's database. Listings without an event release
// their payouts at once, and the payout job runs often here, so payouts reach `paid` within the test.

let stack: TestStack
let databases: { tickets: Kysely<unknown>; orders: Kysely<unknown>; payments: Kysely<unknown> }

beforeAll(async () => {
  stack = await startTestStack({ env: { PAYOUT_INTERVAL_MS: '200', ORDER_RATE_LIMIT_PER_MINUTE: '100000' } })
  databases = {
    tickets: createDb<unknown>(stack.databaseUrls.tickets!, { max: 1 }),
    orders: createDb<unknown>(stack.databaseUrls.orders!, { max: 1 }),
    payments: createDb<unknown>(stack.databaseUrls.payments!, { max: 1 }),
  }
}, 180_000)

afterAll(async () => {
  await Promise.all(Object.values(databases ?? {}).map((db) => db.destroy()))
  await stack?.cleanup()
}, 60_000)

interface Ticket {
  id: string
  status: string
  holderId?: string
}

/** Reserves once orders has heard of the ticket (or of its relisting), pays, and waits for completion. */
async function buy(buyer: ApiClient, ticketId: string, expectedTotal: number): Promise<string> {
  const order = await eventually(
    async () => {
      const response = await buyer.post<{ id: string; total: number }>('/api/orders', { ticketId })
      return response.status === 201 ? response.body : undefined
    },
    { what: 'the ticket on sale at orders' },
  )
  expect(order.total).toBe(expectedTotal)
  await eventually(
    async () => {
      const paid = await buyer.post('/api/payments', { orderId: order.id, token: 'tok_visa' })
      return paid.status === 404 ? undefined : paid
    },
    { what: 'the order reaching payments' },
  )
  await eventually(
    async () => {
      const { body } = await buyer.get<{ status: string }>(`/api/orders/${order.id}`)
      return body.status === 'complete' ? true : undefined
    },
    { what: 'the order complete' },
  )
  return order.id
}

describe('resale across every service', { timeout: 120_000 }, () => {
  test('sold, sold on and given away: each holder in turn, the history, the charges and the payouts add up', async () => {
    const seller = await stack.signUp()
    const first = await stack.signUp()
    const second = await stack.signUp()
    const friend = await stack.signUp()

    const listed = await seller.post<Ticket>('/api/tickets', { title: 'Proms', price: 40 })
    expect(listed.status).toBe(201)
    const ticketId = listed.body.id
    const firstOrder = await buy(first, ticketId, 44)
    await eventually(
      async () => {
        const { body } = await stack.visitor().get<Ticket>(`/api/tickets/${ticketId}`)
        return body.holderId === first.id ? true : undefined
      },
      { what: 'the first buyer holding it' },
    )
    const relisted = await first.post<Ticket>(`/api/tickets/${ticketId}/relist`, { price: 60 })
    expect(relisted.status).toBe(200)
    const secondOrder = await buy(second, ticketId, 66)
    await eventually(
      async () => {
        const { body } = await stack.visitor().get<Ticket>(`/api/tickets/${ticketId}`)
        return body.holderId === second.id ? true : undefined
      },
      { what: 'the second buyer holding it' },
    )
    // The friend is found by email in tickets' own replica of members, fed by auth's user.created.
    const given = await eventually(
      async () => {
        const response = await second.post<Ticket>(`/api/tickets/${ticketId}/transfer`, {
          email: friend.email,
        })
        return response.status === 200 ? response : undefined
      },
      { what: 'the friend known to tickets' },
    )
    expect(given.body).toMatchObject({ holderId: friend.id, status: 'sold' })
    const friendsTickets = await friend.get<Ticket[]>('/api/tickets/mine')
    expect(friendsTickets.body.map((ticket) => ticket.id)).toEqual([ticketId])

    const history = await stack
      .visitor()
      .get<{ kind: string; price?: number }[]>(`/api/tickets/${ticketId}/history`)
    expect(history.body.map((step) => [step.kind, step.price])).toEqual([
      ['listed', 40],
      ['sold', 40],
      ['listed', 60],
      ['sold', 60],
      ['transferred', undefined],
    ])

    // The money, service by service: each charge is its order's total, each seller is owed the price less
    // their fee, and both payouts are paid (no event: released at once).
    // Captured by payments' reconciler once orders completed each order.
    const charges = await eventually(
      async () => {
        const { rows } = await sql<{ order_id: string; amount: string; status: string }>`
          select order_id, amount, status from payments where order_id in (${firstOrder}, ${secondOrder})
          order by amount`.execute(databases.payments)
        return rows.length === 2 && rows.every((row) => row.status === 'captured') ? rows : undefined
      },
      { what: 'both charges captured' },
    )
    expect(charges.map((charge) => [charge.order_id, Number(charge.amount)])).toEqual([
      [firstOrder, 4400],
      [secondOrder, 6600],
    ])
    const { rows: orders } = await sql<{ id: string; total: number; net: number; resold: boolean }>`
      select id, price + buyer_fee as total, price - seller_fee as net, resold_at is not null as resold
      from orders where ticket_id = ${ticketId} order by created_at`.execute(databases.orders)
    expect(orders).toEqual([
      { id: firstOrder, total: 4400, net: 3800, resold: true },
      { id: secondOrder, total: 6600, net: 5700, resold: false },
    ])
    const payouts = await eventually(
      async () => {
        const { rows } = await sql<{ seller_id: string; amount: number; status: string }>`
          select seller_id, amount, status from payouts where ticket_id = ${ticketId} order by amount`.execute(
          databases.payments,
        )
        return rows.length === 2 && rows.every((row) => row.status === 'paid') ? rows : undefined
      },
      { what: 'both payouts paid' },
    )
    expect(payouts).toEqual([
      { seller_id: seller.id, amount: 3800, status: 'paid' },
      { seller_id: first.id, amount: 5700, status: 'paid' },
    ])
    const { rows: sold } = await sql<{ price: number; buyer_fee: number; holder_id: string }>`
      select price, buyer_fee, holder_id from tickets where id = ${ticketId}`.execute(databases.tickets)
    expect(sold).toEqual([{ price: 6000, buyer_fee: 600, holder_id: friend.id }])
    const mine = await seller.get<{ amount: number; status: string }[]>('/api/payments/payouts')
    expect(mine.body).toMatchObject([{ amount: 38, status: 'paid' }])
  })
})
