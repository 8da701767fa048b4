import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { orderCancelled, orderCreated, startTickets, type TicketsHarness, type User } from '../helpers.js'

describe('on order.cancelled', () => {
  let tickets: TicketsHarness
  let seller: User
  beforeAll(async () => {
    tickets = await startTickets()
    seller = await tickets.user()
  })
  afterAll(() => tickets.close())
  afterEach(() => vi.restoreAllMocks())

  it('releases the ticket the order held: orderId gone, one version up, ticket.updated announced', async () => {
    const ticket = await tickets.createTicket(seller, { title: 'Opera', price: 19.99 })
    const orderId = await tickets.reserve(ticket)
    const cancellation = orderCancelled(orderId, ticket.id)
    await tickets.publish(cancellation)
    await tickets.handled(cancellation)

    expect(await tickets.ticket(ticket.id)).toEqual({ ...ticket, version: 2 })
    expect((await tickets.updatesOf(ticket.id)).at(-1)).toEqual({
      id: ticket.id,
      version: 2,
      title: 'Opera',
      price: 1999,
      buyerFee: 200,
      sellerFee: 100,
      currency: 'USD',
      userId: seller.id,
      holderId: seller.id,
      status: 'available',
    })
    const forSale = await tickets.app.inject({ url: '/api/tickets' })
    expect(forSale.json()).toContainEqual({ ...ticket, version: 2 })
  })

  it('a late cancellation of an order that no longer holds the ticket does not free it', async () => {
    const ticket = await tickets.createTicket(seller)
    const first = await tickets.reserve(ticket)
    const cancellation = orderCancelled(first, ticket.id)
    await tickets.publish(cancellation)
    await tickets.handled(cancellation)
    const second = await tickets.reserve({ ...ticket, version: 2 })

    const late = { ...cancellation, id: randomUUID() } // the same cancellation, announced again
    await tickets.publish(late)
    await tickets.handled(late)
    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 3,
      orderId: second,
      status: 'reserved',
    })
  })

  it('a cancellation that overtakes its own order.created: the ticket is never reserved by that order', async () => {
    const ticket = await tickets.createTicket(seller)
    const order = orderCreated(ticket)
    const cancellation = orderCancelled(order.data.id, ticket.id)
    await tickets.publish(cancellation)
    await tickets.handled(cancellation)
    await tickets.publish(order)
    await tickets.handled(order)

    expect(await tickets.ticket(ticket.id)).toEqual(ticket)
    expect(await tickets.updatesOf(ticket.id)).toEqual([])
    // The ticket stays for sale to the next buyer.
    const next = await tickets.reserve(ticket)
    expect((await tickets.ticket(ticket.id)).orderId).toBe(next)
  })

  it('has one effect when delivered twice, and changes nothing for an order that never held the ticket', async () => {
    const ticket = await tickets.createTicket(seller)
    const orderId = await tickets.reserve(ticket)
    const cancellation = orderCancelled(orderId, ticket.id)
    await tickets.publish(cancellation)
    await tickets.redeliver(cancellation)
    await tickets.settled('order.cancelled')
    expect(await tickets.ticket(ticket.id)).toEqual({ ...ticket, version: 2 })

    // An order refused at a changed price is cancelled by orders: the ticket it never held stays as it is.
    const refused = orderCreated(ticket, { price: 1 })
    await tickets.publish(refused)
    await tickets.handled(refused)
    const refusedCancellation = orderCancelled(refused.data.id, ticket.id)
    await tickets.publish(refusedCancellation)
    await tickets.handled(refusedCancellation)

    expect(await tickets.ticket(ticket.id)).toEqual({ ...ticket, version: 2 })
    expect((await tickets.updatesOf(ticket.id)).map((update) => update.version)).toEqual([1, 2])
  })

  it('a cancellation after the order’s completion does not release the ticket: the sale stands', async () => {
    const ticket = await tickets.createTicket(seller)
    const orderId = await tickets.sell(ticket)
    const error = vi.spyOn(tickets.app.log, 'error')

    const cancellation = orderCancelled(orderId, ticket.id)
    await tickets.publish(cancellation)
    await tickets.handled(cancellation)

    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 2,
      orderId,
      status: 'sold',
      holderId: expect.any(String),
    })
    expect((await tickets.updatesOf(ticket.id)).map((update) => update.version)).toEqual([1, 2])
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ orderId }),
      'order.cancelled for an order the ticket was sold to: the sale stands',
    )
  })

  it('an event’s cancellation undoes a sale: the ticket is withdrawn, held by nobody, one version up', async () => {
    const ticket = await tickets.createTicket(seller)
    const orderId = await tickets.sell(ticket)

    const cancellation = orderCancelled(orderId, ticket.id, 'event_cancelled')
    await tickets.publish(cancellation)
    await tickets.handled(cancellation)

    expect(await tickets.ticket(ticket.id)).toEqual({ ...ticket, version: 3, status: 'withdrawn' })
    expect((await tickets.updatesOf(ticket.id)).at(-1)).toMatchObject({ version: 3, status: 'withdrawn' })
    expect((await tickets.updatesOf(ticket.id)).at(-1)).not.toHaveProperty('orderId')
  })
})
