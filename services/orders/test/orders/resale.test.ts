import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

const EVENTUALLY = { timeout: 10_000, interval: 20 }

describe('a ticket bought and put on sale again by its buyer', () => {
  let orders: OrdersHarness
  beforeAll(
    async () => (orders = await startOrders({ EVENT_TICKET_LIMIT: '2', MAX_OPEN_ORDERS_PER_USER: '10' })),
  )
  afterAll(() => orders.close())

  const reserve = (ticketId: string, cookies: Record<string, string>) =>
    orders.app.inject({ method: 'POST', url: '/api/orders', payload: { ticketId }, cookies })

  async function pay(orderId: string) {
    const payment = { id: randomUUID(), orderId, amount: 2500, currency: 'USD', gatewayChargeId: 'ch_ok' }
    await orders.publish(newEvent('payment.created', payment, '/payments'))
    await vi.waitFor(async () => expect((await orders.statusOf(orderId)).status).toBe('complete'), EVENTUALLY)
  }

  it('may be bought again, by another member, once tickets announces it on sale; the first purchase stays complete', async () => {
    const eventId = randomUUID()
    await orders.publish(
      newEvent(
        'event.created',
        {
          id: eventId,
          version: 0,
          name: 'Hamilton',
          venue: 'Victoria Palace Theatre',
          city: 'London',
          startsAt: new Date(Date.now() + 86_400_000).toISOString(),
          status: 'scheduled',
          priceCap: { kind: 'none' },
        },
        '/tickets',
      ),
    )
    const seller = randomUUID()
    const ticket = await orders.listTicket({ eventId, userId: seller, status: 'available' })
    const first = await orders.buyer()
    const second = await orders.buyer()
    const bought = await reserve(ticket.id, first.cookies)
    expect(bought.statusCode, bought.body).toBe(201)
    await orders.confirmHold(bought.json())
    await pay(bought.json().id)

    // Sold: nobody else gets an order for it.
    expect((await reserve(ticket.id, second.cookies)).statusCode).toBe(400)

    // Its buyer relists it: tickets announces it on sale, with them as the seller.
    await orders.listTicket({ ...ticket, version: ticket.version + 1, userId: first.id, status: 'available' })
    await vi.waitFor(async () => {
      const row = await orders.db
        .selectFrom('orders')
        .select('resold_at')
        .where('id', '=', bought.json().id)
        .executeTakeFirstOrThrow()
      expect(row.resold_at).not.toBeNull()
    }, EVENTUALLY)
    const again = await reserve(ticket.id, second.cookies)
    expect(again.statusCode, again.body).toBe(201)
    expect(await orders.statusOf(bought.json().id)).toEqual({ status: 'complete', cancel_reason: null })

    // The first buyer no longer holds it: it does not count against their tickets of the event (2).
    for (let n = 0; n < 2; n++) {
      const more = await orders.listTicket({ eventId, status: 'available' })
      expect((await reserve(more.id, first.cookies)).statusCode).toBe(201)
    }
    const third = await orders.listTicket({ eventId, status: 'available' })
    expect((await reserve(third.id, first.cookies)).statusCode).toBe(400)
  })
})
