import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { orderCompleted, orderCreated, startTickets, type TicketsHarness, type User } from '../helpers.js'

describe('on order.completed', () => {
  let tickets: TicketsHarness
  let seller: User
  beforeAll(async () => {
    tickets = await startTickets()
    seller = await tickets.user()
  })
  afterAll(() => tickets.close())
  afterEach(() => vi.restoreAllMocks())

  it('sells the ticket to the order holding it: status sold, one version up, ticket.updated announced, off sale', async () => {
    const ticket = await tickets.createTicket(seller, { title: 'Opera', price: 19.99 })
    const orderId = await tickets.reserve(ticket)
    const buyer = randomUUID()
    const completion = orderCompleted(orderId, ticket.id, buyer)
    await tickets.publish(completion)
    await tickets.handled(completion)

    // The buyer holds it now.
    const sold = { ...ticket, version: 2, orderId, status: 'sold', holderId: buyer }
    expect(await tickets.ticket(ticket.id)).toEqual(sold)
    expect((await tickets.updatesOf(ticket.id)).at(-1)).toEqual({
      id: ticket.id,
      version: 2,
      title: 'Opera',
      price: 1999,
      buyerFee: 200,
      sellerFee: 100,
      currency: 'USD',
      userId: seller.id,
      holderId: buyer,
      orderId,
      status: 'sold',
    })
    const forSale = await tickets.app.inject({ url: '/api/tickets' })
    expect(forSale.json()).not.toContainEqual(expect.objectContaining({ id: ticket.id }))
    const sellers = await tickets.app.inject({ url: `/api/tickets?userId=${seller.id}` })
    expect(sellers.json()).toContainEqual(sold)
  })

  it('a sold ticket is never reserved again: another order for it is refused at once', async () => {
    const ticket = await tickets.createTicket(seller)
    const orderId = await tickets.sell(ticket)
    const error = vi.spyOn(tickets.app.log, 'error')

    const another = orderCreated(ticket)
    await tickets.publish(another)
    await tickets.handled(another)
    expect(await tickets.outbox('ticket.reservation-refused')).toContainEqual({
      ticketId: ticket.id,
      orderId: another.data.id,
      reason: 'sold',
    })
    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 2,
      orderId,
      status: 'sold',
      holderId: expect.any(String),
    })
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ orderId: another.data.id }),
      'order.created for a sold ticket: refused',
    )
  })

  it('ignores, with an error log, a completion from an order that does not hold the ticket', async () => {
    const ticket = await tickets.createTicket(seller)
    const holder = await tickets.reserve(ticket)
    const error = vi.spyOn(tickets.app.log, 'error')

    const stranger = orderCompleted(randomUUID(), ticket.id)
    await tickets.publish(stranger)
    await tickets.handled(stranger)
    // A ticket for sale is not held by any order either.
    const free = await tickets.createTicket(seller)
    const unheld = orderCompleted(randomUUID(), free.id)
    await tickets.publish(unheld)
    await tickets.handled(unheld)

    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 1,
      orderId: holder,
      status: 'reserved',
    })
    expect(await tickets.ticket(free.id)).toEqual(free)
    expect((await tickets.updatesOf(ticket.id)).map((update) => update.version)).toEqual([1])
    expect(await tickets.updatesOf(free.id)).toEqual([])
    for (const completion of [stranger, unheld]) {
      expect(error).toHaveBeenCalledWith(
        expect.objectContaining({ orderId: completion.data.id, outcome: 'not_held' }),
        'order.completed for an order that does not hold its ticket: ignored',
      )
    }
  })

  it('has one effect when delivered twice, or announced twice under different event ids', async () => {
    const ticket = await tickets.createTicket(seller)
    const orderId = await tickets.reserve(ticket)
    const completion = orderCompleted(orderId, ticket.id)
    await tickets.publish(completion)
    await tickets.redeliver(completion)
    await tickets.publish({ ...completion, id: randomUUID() })
    await tickets.settled('order.completed')

    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 2,
      orderId,
      status: 'sold',
      holderId: expect.any(String),
    })
    expect((await tickets.updatesOf(ticket.id)).map((update) => update.version)).toEqual([1, 2])
  })
})
