import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

describe('POST /api/orders', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders({ ORDER_HOLD_SECONDS: '600' })))
  afterAll(() => orders.close())

  const create = async (
    ticketId: unknown,
    cookies?: Record<string, string>,
    headers: Record<string, string> = {},
  ) => orders.app.inject({ method: 'POST', url: '/api/orders', payload: { ticketId }, cookies, headers })

  it('reserves an available ticket for the buyer, held for ORDER_HOLD_SECONDS, and announces it', async () => {
    const ticket = await orders.listTicket({ title: 'Opera', price: 1999, buyerFee: 200 })
    const buyer = await orders.buyer()
    const before = Date.now()
    const response = await create(ticket.id, buyer.cookies)
    expect(response.statusCode).toBe(201)
    const order = response.json()
    expect(order).toEqual({
      id: expect.any(String),
      status: 'created',
      userId: buyer.id,
      expiresAt: expect.any(String),
      version: 0,
      total: 21.99,
      ticket: { id: ticket.id, title: 'Opera', price: 19.99, currency: 'USD' },
    })
    const holdMs = Date.parse(order.expiresAt) - before
    expect(holdMs).toBeGreaterThan(599_000)
    expect(holdMs).toBeLessThan(601_000)
    expect(await orders.outbox('order.created')).toContainEqual({
      id: order.id,
      version: 0,
      status: 'created',
      userId: buyer.id,
      expiresAt: order.expiresAt,
      total: 2199,
      // What the seller will receive: tickets announced no seller's fee for this one.
      ticket: {
        id: ticket.id,
        version: 0,
        price: 1999,
        currency: 'USD',
        sellerId: ticket.userId,
        sellerNet: 1999,
      },
    })
  })

  it('answers 401 signed out, 400 naming ticketId for a malformed id, 404 for an unknown ticket', async () => {
    const buyer = await orders.buyer()
    expect((await create(randomUUID())).statusCode).toBe(401)
    const malformed = await create('nope', buyer.cookies)
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json()).toEqual({
      errors: [{ field: 'ticketId', message: 'Ticket id must be a valid id' }],
    })
    const missing = await create(randomUUID(), buyer.cookies)
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ errors: [{ message: 'Ticket not found' }] })
  })

  it('answers 400 for a ticket already reserved', async () => {
    const ticket = await orders.listTicket()
    expect((await create(ticket.id, (await orders.buyer()).cookies)).statusCode).toBe(201)
    const second = await create(ticket.id, (await orders.buyer()).cookies)
    expect(second.statusCode).toBe(400)
    expect(second.json()).toEqual({ errors: [{ message: 'This ticket is already reserved' }] })
  })

  it('replays the first answer to a retry with the same Idempotency-Key', async () => {
    const ticket = await orders.listTicket()
    const buyer = await orders.buyer()
    const key = { 'idempotency-key': randomUUID() }
    const first = await create(ticket.id, buyer.cookies, key)
    const retried = await Promise.all([
      create(ticket.id, buyer.cookies, key),
      create(ticket.id, buyer.cookies, key),
    ])
    for (const retry of retried) {
      expect(retry.statusCode).toBe(201)
      expect(retry.json()).toEqual(first.json())
    }
    const other = await orders.listTicket()
    const misuse = await create(other.id, buyer.cookies, key)
    expect(misuse.statusCode).toBe(400)
    expect(misuse.json().errors[0].message).toBe('This Idempotency-Key was used for a different request')
    const created = await orders.db
      .selectFrom('orders')
      .select('id')
      .where('user_id', '=', buyer.id)
      .execute()
    expect(created).toHaveLength(1)
  })

  it('answers requests with the same Idempotency-Key that arrive at once with the first one’s order', async () => {
    for (let round = 0; round < 5; round++) {
      const ticket = await orders.listTicket()
      const buyer = await orders.buyer()
      const key = { 'idempotency-key': randomUUID() }
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => create(ticket.id, buyer.cookies, key)),
      )
      expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201, 201])
      const ids = new Set(answers.map((answer) => answer.json<{ id: string }>().id))
      expect(ids.size).toBe(1)
    }
  })

  it('lets exactly one of 200 simultaneous buyers have a ticket; the others get 400', async () => {
    const ticket = await orders.listTicket()
    const buyers = await Promise.all(Array.from({ length: 200 }, () => orders.buyer()))
    const answers = await Promise.all(buyers.map((buyer) => create(ticket.id, buyer.cookies)))
    const statuses = answers.map((answer) => answer.statusCode)
    expect(statuses.filter((status) => status === 201)).toHaveLength(1)
    expect(statuses.filter((status) => status === 400)).toHaveLength(199)
    const active = await orders.db
      .selectFrom('orders')
      .select('id')
      .where('ticket_id', '=', ticket.id)
      .where('status', '!=', 'cancelled')
      .execute()
    expect(active).toHaveLength(1)
  })

  it('makes exactly 50 orders from 500 simultaneous requests over 50 tickets', async () => {
    const tickets = await Promise.all(Array.from({ length: 50 }, () => orders.listTicket()))
    const buyers = await Promise.all(Array.from({ length: 500 }, () => orders.buyer()))
    const answers = await Promise.all(
      buyers.map((buyer, index) => create(tickets[index % 50]!.id, buyer.cookies)),
    )
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(50)
    expect(answers.filter((answer) => answer.statusCode === 400)).toHaveLength(450)
    const active = await orders.db
      .selectFrom('orders')
      .select('ticket_id')
      .where(
        'ticket_id',
        'in',
        tickets.map((ticket) => ticket.id),
      )
      .execute()
    expect(new Set(active.map((row) => row.ticket_id)).size).toBe(50)
    expect(active).toHaveLength(50)
  })
})
