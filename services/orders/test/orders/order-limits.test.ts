import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

const create = (orders: OrdersHarness, ticketId: string, cookies: Record<string, string>) =>
  orders.app.inject({ method: 'POST', url: '/api/orders', payload: { ticketId }, cookies })

describe('open orders per member', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders({ MAX_OPEN_ORDERS_PER_USER: '3' })))
  afterAll(() => orders.close())

  it('at most MAX_OPEN_ORDERS_PER_USER are open at once; cancelling one makes room', async () => {
    const buyer = await orders.buyer()
    const tickets = await Promise.all(Array.from({ length: 4 }, () => orders.listTicket()))
    const placed = []
    for (const ticket of tickets.slice(0, 3)) {
      const response = await create(orders, ticket.id, buyer.cookies)
      expect(response.statusCode).toBe(201)
      placed.push(response.json<{ id: string }>())
    }
    const refused = await create(orders, tickets[3]!.id, buyer.cookies)
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual({
      errors: [{ message: 'You already have 3 open orders, the most allowed; pay for or cancel one first' }],
    })
    // Another member is not affected.
    const other = await orders.buyer()
    expect((await create(orders, (await orders.listTicket()).id, other.cookies)).statusCode).toBe(201)

    const cancelled = await orders.app.inject({
      method: 'DELETE',
      url: `/api/orders/${placed[0]!.id}`,
      cookies: buyer.cookies,
    })
    expect(cancelled.statusCode).toBe(204)
    expect((await create(orders, tickets[3]!.id, buyer.cookies)).statusCode).toBe(201)
  })

  it('parallel reservations cannot exceed it', async () => {
    const buyer = await orders.buyer()
    const tickets = await Promise.all(Array.from({ length: 10 }, () => orders.listTicket()))
    const answers = await Promise.all(tickets.map((ticket) => create(orders, ticket.id, buyer.cookies)))
    const statuses = answers.map((answer) => answer.statusCode).sort()
    expect(statuses).toEqual([201, 201, 201, ...Array<number>(7).fill(400)])
    const open = await orders.db
      .selectFrom('orders')
      .select('id')
      .where('user_id', '=', buyer.id)
      .where('status', 'in', ['created', 'awaiting:payment'])
      .execute()
    expect(open).toHaveLength(3)
  })
})

describe('reservations per member per minute', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders({ ORDER_RATE_LIMIT_PER_MINUTE: '3' })))
  afterAll(() => orders.close())

  it('beyond ORDER_RATE_LIMIT_PER_MINUTE a member gets 429 with Retry-After, counted across instances', async () => {
    const buyer = await orders.buyer()
    const second = await orders.anotherInstance()
    const ticket = await orders.listTicket()
    const statuses = []
    for (const app of [orders.app, second, orders.app])
      statuses.push(
        (
          await app.inject({
            method: 'POST',
            url: '/api/orders',
            payload: { ticketId: ticket.id },
            cookies: buyer.cookies,
          })
        ).statusCode,
      )
    expect(statuses).toEqual([201, 400, 400])
    const limited = await second.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { ticketId: ticket.id },
      cookies: buyer.cookies,
    })
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toEqual({ errors: [{ message: 'Too many requests; try again later' }] })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60)
    // Another member is not held up.
    const other = await orders.buyer()
    expect((await create(orders, (await orders.listTicket()).id, other.cookies)).statusCode).toBe(201)
  })
})
