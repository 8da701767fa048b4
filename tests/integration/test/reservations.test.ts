import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { TestUser } from '@ticketing/testing'
import { REPLICATION_WAIT, startMarketplace, type Marketplace, type Order, type Ticket } from './harness.js'

/** tickets and orders together: the promises of DESIGN §1 that need both. */
describe('reserving tickets across tickets and orders', () => {
  let market: Marketplace
  beforeAll(async () => (market = await startMarketplace()))
  afterAll(() => market.close())

  async function listTicket(seller: TestUser, price = 12.5) {
    const ticket = await market.listTicket(seller, price)
    // orders learns of it through ticket.created; until then it answers 404.
    await vi.waitFor(async () => {
      const row = await market.ordersDatabase
        .selectFrom('ticket_replicas')
        .select('id')
        .where('id', '=', ticket.id)
        .executeTakeFirst()
      expect(row).toBeDefined()
    }, REPLICATION_WAIT)
    return ticket
  }
  const getTicket = async (id: string) =>
    (await market.tickets.inject({ url: `/api/tickets/${id}` })).json<Ticket>()
  const order = (ticketId: string, buyer: { cookies: Record<string, string> }) =>
    market.orders.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { ticketId },
      cookies: buyer.cookies,
    })
  const available = async () =>
    (await market.tickets.inject({ url: '/api/tickets?limit=200' })).json<Ticket[]>().map((t) => t.id)

  it('an order reserves the ticket in tickets, which takes it off the available list', async () => {
    const ticket = await listTicket(await market.user())
    expect(await available()).toContain(ticket.id)
    const placed = await order(ticket.id, await market.user())
    expect(placed.statusCode).toBe(201)
    const { id } = placed.json<Order>()
    await vi.waitFor(async () =>
      expect(await getTicket(ticket.id)).toMatchObject({ orderId: id, version: 1 }),
    )
    expect(await available()).not.toContain(ticket.id)
  })

  it('a cancelled order frees the ticket, and the next buyer right after gets it', async () => {
    const ticket = await listTicket(await market.user())
    const first = await market.user()
    const firstOrder = (await order(ticket.id, first)).json<Order>()
    await vi.waitFor(async () => expect((await getTicket(ticket.id)).orderId).toBe(firstOrder.id))

    expect(
      (
        await market.orders.inject({
          method: 'DELETE',
          url: `/api/orders/${firstOrder.id}`,
          cookies: first.cookies,
        })
      ).statusCode,
    ).toBe(204)
    const next = await order(ticket.id, await market.user()) // before tickets has even seen the cancellation
    expect(next.statusCode).toBe(201)
    const nextOrder = next.json<Order>()
    await vi.waitFor(async () => expect((await getTicket(ticket.id)).orderId).toBe(nextOrder.id), {
      timeout: 10_000,
    })
  })

  it('of 100 simultaneous buyers one gets the ticket, and tickets holds it for that order', async () => {
    const ticket = await listTicket(await market.user())
    const buyers = await Promise.all(Array.from({ length: 100 }, () => market.user()))
    const answers = await Promise.all(buyers.map((buyer) => order(ticket.id, buyer)))
    const winners = answers.filter((answer) => answer.statusCode === 201)
    expect(winners).toHaveLength(1)
    expect(answers.filter((answer) => answer.statusCode === 400)).toHaveLength(99)
    await vi.waitFor(async () =>
      expect((await getTicket(ticket.id)).orderId).toBe(winners[0]!.json<Order>().id),
    )
  })

  it('a price edit racing a reservation never leaves an active order at a price the ticket no longer has', async () => {
    const seller = await market.user()
    const races = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const ticket = await listTicket(seller, 10)
        const [edit, placed] = await Promise.all([
          market.tickets.inject({
            method: 'PUT',
            url: `/api/tickets/${ticket.id}`,
            payload: { title: 'Gig', price: 99 },
            cookies: seller.cookies,
          }),
          order(ticket.id, await market.user()),
        ])
        return { ticket, edit, placed }
      }),
    )
    for (const { edit } of races) expect([200, 400]).toContain(edit.statusCode)

    for (const { ticket, placed } of races) {
      if (placed.statusCode !== 201) continue
      const placedOrder = placed.json<Order>()
      // Settled: the order either holds the ticket, or was cancelled because the price changed under it.
      await vi.waitFor(
        async () => {
          const status = await market.ordersDatabase
            .selectFrom('orders')
            .select(['status', 'price'])
            .where('id', '=', placedOrder.id)
            .executeTakeFirstOrThrow()
          const held = await getTicket(ticket.id)
          if (status.status === 'cancelled') {
            expect(held.orderId).not.toBe(placedOrder.id)
          } else {
            expect(held.orderId).toBe(placedOrder.id)
            expect(status.price).toBe(Math.round(held.price * 100))
          }
        },
        { timeout: 10_000 },
      )
    }
  })
})

describe('a hold that runs out with no expiration timer', () => {
  let market: Marketplace
  beforeAll(
    async () => (market = await startMarketplace({ ORDER_HOLD_SECONDS: '1', SWEEP_GRACE_SECONDS: '0.3' })),
  )
  afterAll(() => market.close())

  it('is swept: the order is cancelled and the ticket is available again', async () => {
    const ticket = await market.listTicket(await market.user())
    const buyer = await market.user()
    const placed = await market.orderWhenListed(ticket.id, buyer)
    await vi.waitFor(
      async () => {
        const order = (
          await market.orders.inject({ url: `/api/orders/${placed.id}`, cookies: buyer.cookies })
        ).json<Order>()
        expect(order.status).toBe('cancelled')
        const again = (await market.tickets.inject({ url: `/api/tickets/${ticket.id}` })).json<Ticket>()
        expect(again.orderId).toBeUndefined()
      },
      { timeout: 10_000, interval: 100 },
    )
    const list = (await market.tickets.inject({ url: '/api/tickets' })).json<Ticket[]>()
    expect(list.map((t) => t.id)).toContain(ticket.id)
  })
})

describe('a 2-second hold with expiration running', () => {
  let market: Marketplace
  beforeAll(
    async () =>
      (market = await startMarketplace(
        { ORDER_HOLD_SECONDS: '2', SWEEP_GRACE_SECONDS: '60' },
        { expiration: true },
      )),
  )
  afterAll(() => market.close())

  it('cancels the unpaid order within 2 s after expiresAt, and the ticket is available again', async () => {
    const ticket = await market.listTicket(await market.user())
    const buyer = await market.user()
    const placed = await market.orderWhenListed(ticket.id, buyer)
    const expiresAt = Date.parse(placed.expiresAt)
    await vi.waitFor(async () =>
      expect((await market.tickets.inject({ url: `/api/tickets/${ticket.id}` })).json<Ticket>().orderId).toBe(
        placed.id,
      ),
    )

    await vi.waitFor(
      async () => {
        const order = (
          await market.orders.inject({ url: `/api/orders/${placed.id}`, cookies: buyer.cookies })
        ).json<Order>()
        expect(order.status).toBe('cancelled')
      },
      { timeout: 10_000, interval: 50 },
    )
    const cancelledAfterMs = Date.now() - expiresAt
    expect(cancelledAfterMs).toBeGreaterThanOrEqual(0)
    expect(cancelledAfterMs).toBeLessThan(2_000)
    const reason = await market.ordersDatabase
      .selectFrom('orders')
      .select('cancel_reason')
      .where('id', '=', placed.id)
      .executeTakeFirstOrThrow()
    expect(reason.cancel_reason).toBe('expired') // by expiration, not the sweeper (60 s grace)

    await vi.waitFor(async () =>
      expect(
        (await market.tickets.inject({ url: `/api/tickets/${ticket.id}` })).json<Ticket>().orderId,
      ).toBeUndefined(),
    )
    expect(
      (await market.tickets.inject({ url: '/api/tickets' })).json<Ticket[]>().map((t) => t.id),
    ).toContain(ticket.id)
  })
})
