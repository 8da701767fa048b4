import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

describe('a buyer’s orders', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders()))
  afterAll(() => orders.close())

  async function order(cookies: Record<string, string>) {
    const ticket = await orders.listTicket()
    const response = await orders.app.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { ticketId: ticket.id },
      cookies,
    })
    return response.json<{ id: string; ticket: { id: string } }>()
  }

  it('GET / lists only the caller’s orders, newest first, each with its ticket, a page at a time', async () => {
    const buyer = await orders.buyer()
    const first = await order(buyer.cookies)
    const second = await order(buyer.cookies)
    await order((await orders.buyer()).cookies)
    const response = await orders.app.inject({ url: '/api/orders', cookies: buyer.cookies })
    expect(response.statusCode).toBe(200)
    expect(response.json().map((o: { id: string }) => o.id)).toEqual([second.id, first.id])
    expect(response.json()[0].ticket).toMatchObject({ id: second.ticket.id, title: 'Concert', price: 25 })

    const page = await orders.app.inject({ url: '/api/orders?limit=1', cookies: buyer.cookies })
    expect(page.json()).toHaveLength(1)
    const next = /^<([^>]+)>; rel="next"$/.exec(String(page.headers.link))![1]!
    expect((await orders.app.inject({ url: next, cookies: buyer.cookies })).json()[0].id).toBe(first.id)
    expect((await orders.app.inject({ url: '/api/orders' })).statusCode).toBe(401)
  })

  it('GET /:id shows the caller’s order; someone else’s is 401, a missing or malformed id 404', async () => {
    const buyer = await orders.buyer()
    const mine = await order(buyer.cookies)
    expect(
      (await orders.app.inject({ url: `/api/orders/${mine.id}`, cookies: buyer.cookies })).json(),
    ).toMatchObject({
      id: mine.id,
      status: 'created',
    })
    const stranger = await orders.buyer()
    const theirs = await orders.app.inject({ url: `/api/orders/${mine.id}`, cookies: stranger.cookies })
    expect(theirs.statusCode).toBe(401)
    expect(theirs.json()).toEqual({ errors: [{ message: 'This belongs to someone else' }] })
    expect(
      (await orders.app.inject({ url: `/api/orders/${randomUUID()}`, cookies: buyer.cookies })).statusCode,
    ).toBe(404)
    expect((await orders.app.inject({ url: '/api/orders/nope', cookies: buyer.cookies })).statusCode).toBe(
      404,
    )
  })

  it('DELETE /:id cancels (204), announces it, and is harmless to repeat; not for someone else', async () => {
    const buyer = await orders.buyer()
    const mine = await order(buyer.cookies)
    const stranger = await orders.buyer()
    expect(
      (
        await orders.app.inject({
          method: 'DELETE',
          url: `/api/orders/${mine.id}`,
          cookies: stranger.cookies,
        })
      ).statusCode,
    ).toBe(401)

    const response = await orders.app.inject({
      method: 'DELETE',
      url: `/api/orders/${mine.id}`,
      cookies: buyer.cookies,
    })
    expect(response.statusCode).toBe(204)
    expect(response.body).toBe('')
    expect(
      (await orders.app.inject({ url: `/api/orders/${mine.id}`, cookies: buyer.cookies })).json(),
    ).toMatchObject({
      status: 'cancelled',
      version: 1,
    })
    expect(
      (await orders.app.inject({ method: 'DELETE', url: `/api/orders/${mine.id}`, cookies: buyer.cookies }))
        .statusCode,
    ).toBe(204)
    expect(await orders.outbox('order.cancelled')).toContainEqual({
      id: mine.id,
      version: 1,
      ticket: { id: mine.ticket.id },
      reason: 'user',
    })
    expect(
      (
        await orders.app.inject({
          method: 'DELETE',
          url: `/api/orders/${randomUUID()}`,
          cookies: buyer.cookies,
        })
      ).statusCode,
    ).toBe(404)
  })

  it('DELETE /:id of a complete order is 400', async () => {
    const buyer = await orders.buyer()
    const mine = await order(buyer.cookies)
    await orders.confirmHold(mine)
    await orders.publish(
      newEvent(
        'payment.created',
        { id: randomUUID(), orderId: mine.id, amount: 2500, currency: 'USD', gatewayChargeId: 'ch_1' },
        '/payments',
      ),
    )
    await vi.waitFor(async () =>
      expect(
        (await orders.app.inject({ url: `/api/orders/${mine.id}`, cookies: buyer.cookies })).json().status,
      ).toBe('complete'),
    )
    const response = await orders.app.inject({
      method: 'DELETE',
      url: `/api/orders/${mine.id}`,
      cookies: buyer.cookies,
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: 'A completed order cannot be cancelled' }] })
  })
})
