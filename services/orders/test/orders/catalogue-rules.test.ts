import { randomUUID } from 'node:crypto'
import { newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

const EVENTUALLY = { timeout: 10_000, interval: 20 }

describe('reservations and the events catalogue', () => {
  let orders: OrdersHarness
  beforeAll(
    async () => (orders = await startOrders({ EVENT_TICKET_LIMIT: '3', MAX_OPEN_ORDERS_PER_USER: '10' })),
  )
  afterAll(() => orders.close())

  const reserve = (ticketId: string, cookies: Record<string, string>, extra: Record<string, unknown> = {}) =>
    orders.app.inject({ method: 'POST', url: '/api/orders', payload: { ticketId, ...extra }, cookies })

  /** An event as tickets announces it, waited for until the replica has it. */
  async function announceEvent(
    type: 'event.created' | 'event.updated' | 'event.cancelled',
    overrides: Partial<EventData<'event.created'>> = {},
  ) {
    const event: EventData<'event.created'> = {
      id: randomUUID(),
      version: 0,
      name: 'Hamilton',
      venue: 'Victoria Palace Theatre',
      city: 'London',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      status: 'scheduled',
      priceCap: { kind: 'none' },
      ...overrides,
    }
    const published = newEvent(type, event, '/tickets')
    await orders.publish(published)
    await vi.waitFor(async () => {
      const row = await orders.db
        .selectFrom('event_replicas')
        .select('version')
        .where('id', '=', event.id)
        .executeTakeFirst()
      expect(row?.version).toBe(event.version)
    }, EVENTUALLY)
    return { event, published }
  }

  it('refuses a withdrawn or sold ticket, by the status tickets announced', async () => {
    const buyer = await orders.buyer()
    for (const status of ['withdrawn', 'sold'] as const) {
      const ticket = await orders.listTicket({ status })
      const response = await reserve(ticket.id, buyer.cookies)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({ errors: [{ message: 'This ticket is not on sale' }] })
    }
    // A replica from before the catalogue (no status) is on sale as before.
    expect((await reserve((await orders.listTicket()).id, buyer.cookies)).statusCode).toBe(201)
  })

  it('refuses a ticket of an event that started or was cancelled', async () => {
    const buyer = await orders.buyer()
    const { event } = await announceEvent('event.created')
    const ticket = await orders.listTicket({ eventId: event.id, status: 'available' })
    await announceEvent('event.updated', {
      ...event,
      version: 1,
      startsAt: new Date(Date.now() - 1000).toISOString(),
    })
    expect((await reserve(ticket.id, buyer.cookies)).json()).toEqual({
      errors: [{ message: 'This event has started: its tickets are no longer on sale' }],
    })
    const other = await announceEvent('event.created')
    const otherTicket = await orders.listTicket({ eventId: other.event.id, status: 'available' })
    await announceEvent('event.cancelled', { ...other.event, version: 1, status: 'cancelled' })
    expect((await reserve(otherTicket.id, buyer.cookies)).json()).toEqual({
      errors: [{ message: 'This event is cancelled: its tickets are not on sale' }],
    })
  })

  it('answers 409 when the all-in price the buyer saw is not the price now, and reserves at the one they saw', async () => {
    const buyer = await orders.buyer()
    const ticket = await orders.listTicket({ price: 2500, buyerFee: 250 })
    // The ticket's price without its fee is not what a buyer is shown first, nor what they pay.
    for (const price of [20, 25]) {
      const stale = await reserve(ticket.id, buyer.cookies, { price })
      expect(stale.statusCode).toBe(409)
      expect(stale.json()).toEqual({
        errors: [
          { message: 'The price just changed: it is now 27.50 USD with fees. Check it and try again' },
        ],
      })
    }
    expect(await orders.outbox('order.created')).not.toContainEqual(
      expect.objectContaining({ ticket: expect.objectContaining({ id: ticket.id }) }),
    )
    const seen = await reserve(ticket.id, buyer.cookies, { price: 27.5 })
    expect(seen.statusCode).toBe(201)
    expect(seen.json()).toMatchObject({ total: 27.5, ticket: { id: ticket.id, price: 25 } })
    const invalid = await reserve(ticket.id, buyer.cookies, { price: '25' })
    expect(invalid.json()).toEqual({ errors: [{ field: 'price', message: 'Price must be a number' }] })
  })

  it('holds one member to EVENT_TICKET_LIMIT tickets of one event, open and complete orders counted', async () => {
    const buyer = await orders.buyer()
    const { event } = await announceEvent('event.created')
    const tickets = await Promise.all(
      Array.from({ length: 4 }, () => orders.listTicket({ eventId: event.id, status: 'available' })),
    )
    const placed = []
    for (const ticket of tickets.slice(0, 3)) {
      const response = await reserve(ticket.id, buyer.cookies)
      expect(response.statusCode).toBe(201)
      placed.push(response.json<{ id: string; ticket: { id: string } }>())
    }
    expect(await orders.outbox('order.created')).toContainEqual(
      expect.objectContaining({ id: placed[0]!.id, ticket: expect.objectContaining({ eventId: event.id }) }),
    )
    const refused = await reserve(tickets[3]!.id, buyer.cookies)
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual({
      errors: [{ message: 'You already hold or have reserved 3 tickets of this event, the most allowed' }],
    })
    // Another member, and the same member at another event, are not held back.
    expect((await reserve(tickets[3]!.id, (await orders.buyer()).cookies)).statusCode).toBe(201)
    expect((await reserve((await orders.listTicket()).id, buyer.cookies)).statusCode).toBe(201)
    // Parallel tries cannot pass it either: the buyer's reservations take turns.
    const { event: second } = await announceEvent('event.created')
    const more = await Promise.all(
      Array.from({ length: 6 }, () => orders.listTicket({ eventId: second.id, status: 'available' })),
    )
    const answers = await Promise.all(more.map((ticket) => reserve(ticket.id, buyer.cookies)))
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(3)
  })

  it('cancelling an event cancels its open and complete orders once each (event_cancelled)', async () => {
    const { event } = await announceEvent('event.created')
    const open = await orders.listTicket({ eventId: event.id, status: 'available' })
    const paid = await orders.listTicket({ eventId: event.id, status: 'available' })
    const elsewhere = await orders.listTicket()
    const buyer = await orders.buyer()
    const openOrder = (await reserve(open.id, buyer.cookies)).json<{ id: string; ticket: { id: string } }>()
    const paidOrder = (await reserve(paid.id, buyer.cookies)).json<{ id: string; ticket: { id: string } }>()
    const otherOrder = (await reserve(elsewhere.id, buyer.cookies)).json<{ id: string }>()
    await orders.confirmHold(paidOrder)
    await orders.publish(
      newEvent(
        'payment.created',
        { id: randomUUID(), orderId: paidOrder.id, amount: 2500, currency: 'USD', gatewayChargeId: 'ch_ok' },
        '/payments',
      ),
    )
    await vi.waitFor(
      async () => expect((await orders.statusOf(paidOrder.id)).status).toBe('complete'),
      EVENTUALLY,
    )

    const { published } = await announceEvent('event.cancelled', {
      ...event,
      version: 1,
      status: 'cancelled',
    })
    // Delivered twice: applied once.
    await orders.publish({ ...published, id: randomUUID() })
    for (const order of [openOrder, paidOrder]) {
      expect(await orders.statusOf(order.id)).toEqual({
        status: 'cancelled',
        cancel_reason: 'event_cancelled',
      })
    }
    expect((await orders.statusOf(otherOrder.id)).status).toBe('created')
    await new Promise((resolve) => setTimeout(resolve, 300))
    const cancellations = (await orders.outbox('order.cancelled')).filter((data) =>
      [openOrder.id, paidOrder.id].includes((data as { id: string }).id),
    )
    expect(cancellations).toHaveLength(2)
    expect(cancellations).toContainEqual({
      id: paidOrder.id,
      version: 2,
      ticket: { id: paid.id },
      reason: 'event_cancelled',
    })
  })
})
