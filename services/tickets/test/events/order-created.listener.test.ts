import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  orderCancelled,
  orderCreated,
  repriced,
  startTickets,
  type TicketsHarness,
  type User,
} from '../helpers.js'

describe('on order.created', () => {
  let tickets: TicketsHarness
  let seller: User
  beforeAll(async () => {
    tickets = await startTickets()
    seller = await tickets.user()
  })
  afterAll(() => tickets.close())

  it('reserves the ticket for the order: orderId set, one version up, ticket.updated and the confirmation announced', async () => {
    const ticket = await tickets.createTicket(seller, { title: 'Opera', price: 19.99 })
    const order = orderCreated(ticket)
    await tickets.publish(order)
    await tickets.handled(order)

    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 1,
      orderId: order.data.id,
      status: 'reserved',
    })
    expect(await tickets.updatesOf(ticket.id)).toEqual([
      {
        id: ticket.id,
        version: 1,
        title: 'Opera',
        price: 1999,
        buyerFee: 200,
        sellerFee: 100,
        currency: 'USD',
        userId: seller.id,
        holderId: seller.id,
        orderId: order.data.id,
        status: 'reserved',
      },
    ])
    expect(await tickets.outbox('ticket.reservation-confirmed')).toContainEqual({
      ticketId: ticket.id,
      orderId: order.data.id,
    })
  })

  it('refuses an order at a price the seller has since changed, and leaves the ticket for sale', async () => {
    const ticket = await tickets.createTicket(seller, { price: 19.99 })
    const order = orderCreated(ticket) // orders saw 19.99 …
    const edit = await tickets.app.inject({
      method: 'PUT',
      url: `/api/tickets/${ticket.id}`,
      payload: { title: ticket.title, price: 29.99 }, // … the seller asks 29.99 by the time it arrives
      cookies: seller.cookies,
    })
    expect(edit.statusCode).toBe(200)
    await tickets.publish(order)
    await tickets.handled(order)

    expect(await tickets.outbox('ticket.reservation-refused')).toContainEqual({
      ticketId: ticket.id,
      orderId: order.data.id,
      reason: 'price_changed',
    })
    expect(await tickets.ticket(ticket.id)).toEqual({ ...repriced(ticket, 29.99), version: 1 })
    expect((await tickets.updatesOf(ticket.id)).map((update) => update.version)).toEqual([1])
  })

  it('refuses an order whose all-in total is not the ticket’s, though its price is', async () => {
    const ticket = await tickets.createTicket(seller, { price: 20 })
    // The buyer was shown 20.00 + 2.00; an order claiming any other total was not made at this price.
    const order = orderCreated(ticket, { total: 2100 })
    await tickets.publish(order)
    await tickets.handled(order)

    expect(await tickets.outbox('ticket.reservation-refused')).toContainEqual({
      ticketId: ticket.id,
      orderId: order.data.id,
      reason: 'price_changed',
    })
    expect(await tickets.ticket(ticket.id)).toEqual(ticket)
  })

  it('waits while an earlier order still holds the ticket, and reserves once that order’s cancellation arrives', async () => {
    const ticket = await tickets.createTicket(seller)
    const earlier = await tickets.reserve(ticket)
    // orders cancelled the earlier order and took a new one for the ticket; the new order.created overtakes
    // the earlier order.cancelled on its way to us.
    const later = orderCreated(ticket)
    await tickets.publish(later)
    await tickets.eventually(async () => {
      const consumer = await tickets.consumerInfo('order.created')
      expect(consumer.num_redelivered, 'the later order.created was tried and put back').toBeGreaterThan(0)
    })
    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 1,
      orderId: earlier,
      status: 'reserved',
    })

    await tickets.publish(orderCancelled(earlier, ticket.id))
    await tickets.handled(later)
    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 3,
      orderId: later.data.id,
      status: 'reserved',
    })
    expect((await tickets.updatesOf(ticket.id)).map((update) => update.orderId)).toEqual([
      earlier,
      undefined,
      later.data.id,
    ])
  })

  it('has one effect when delivered twice, or announced twice under different event ids', async () => {
    const ticket = await tickets.createTicket(seller)
    const order = orderCreated(ticket)
    await tickets.publish(order)
    await tickets.redeliver(order)
    const republished = { ...order, id: randomUUID() }
    await tickets.publish(republished)
    await tickets.settled('order.created')

    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 1,
      orderId: order.data.id,
      status: 'reserved',
    })
    expect(await tickets.updatesOf(ticket.id)).toHaveLength(1)
  })

  it('ignores an order for a ticket it does not know', async () => {
    const stranger = { ...(await tickets.createTicket(seller)), id: randomUUID() }
    const order = orderCreated(stranger)
    await tickets.publish(order)
    await tickets.handled(order)
    expect(await tickets.updatesOf(stranger.id)).toEqual([])
    expect(await tickets.outbox('ticket.reservation-refused')).not.toContainEqual(
      expect.objectContaining({ orderId: order.data.id }),
    )
  })

  it('dead-letters a message that is not an order.created, and goes on with the next', async () => {
    await tickets.bus.js.publish(tickets.bus.subject('order.created'), '{"not": "an event"}')
    const ticket = await tickets.createTicket(seller)
    const order = orderCreated(ticket)
    await tickets.publish(order)
    await tickets.handled(order)
    const letters = await tickets.db.selectFrom('dead_letters').select(['consumer', 'payload']).execute()
    expect(letters).toEqual([{ consumer: 'tickets-orders', payload: '{"not": "an event"}' }])
  })
})
