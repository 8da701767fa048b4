import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orderCreated, repriced, startTickets, type TicketsHarness, type User } from '../helpers.js'

describe('PUT /api/tickets/:id', () => {
  let tickets: TicketsHarness
  let seller: User
  beforeAll(async () => {
    tickets = await startTickets()
    seller = await tickets.user()
  })
  afterAll(() => tickets.close())

  const update = (
    id: string,
    payload: unknown,
    cookies: Record<string, string> | undefined = seller.cookies,
  ) => tickets.app.inject({ method: 'PUT', url: `/api/tickets/${id}`, payload: payload as object, cookies })

  const valid = { title: 'Opera (moved)', price: 25 }
  const invalid = { title: '  ', price: '25' }

  it('saves the seller’s change one version up, title trimmed, and announces ticket.updated', async () => {
    const ticket = await tickets.createTicket(seller, { title: 'Opera', price: 19.99 })
    const response = await update(ticket.id, { title: ' Opera (moved) ', price: 25.5 })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ ...repriced(ticket, 25.5), title: 'Opera (moved)', version: 1 })
    expect(await tickets.ticket(ticket.id)).toEqual(response.json())

    const again = await update(ticket.id, { title: 'Opera (moved again)', price: 30 })
    expect(again.json()).toMatchObject({ title: 'Opera (moved again)', price: 30, version: 2 })
    expect(await tickets.updatesOf(ticket.id)).toEqual([
      {
        id: ticket.id,
        version: 1,
        title: 'Opera (moved)',
        price: 2550,
        buyerFee: 255,
        sellerFee: 128,
        currency: 'USD',
        userId: seller.id,
        holderId: seller.id,
        status: 'available',
      },
      {
        id: ticket.id,
        version: 2,
        title: 'Opera (moved again)',
        price: 3000,
        buyerFee: 300,
        sellerFee: 150,
        currency: 'USD',
        userId: seller.id,
        holderId: seller.id,
        status: 'available',
      },
    ])
  })

  it('ignores userId, version and orderId in the body', async () => {
    const ticket = await tickets.createTicket(seller)
    const response = await update(ticket.id, {
      ...valid,
      userId: randomUUID(),
      version: 9,
      orderId: randomUUID(),
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ ...repriced(ticket, valid.price), title: valid.title, version: 1 })
  })

  it('answers 401 signed out, whatever the body and whether or not the ticket exists', async () => {
    const ticket = await tickets.createTicket(seller)
    for (const [id, payload] of [
      [ticket.id, valid],
      [ticket.id, invalid],
      [randomUUID(), invalid],
    ] as const) {
      const response = await update(id, payload, {})
      expect(response.statusCode).toBe(401)
      expect(response.json()).toEqual({ errors: [{ message: 'Not signed in' }] })
    }
  })

  it('answers 400 for invalid input before looking the ticket up: even a missing one', async () => {
    const response = await update(randomUUID(), invalid)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ field: 'price', message: 'Price must be a number' }] })
    const rules = await update(randomUUID(), { title: '  ', price: 10.001 })
    expect(rules.json()).toEqual({
      errors: [
        { field: 'title', message: 'Title is required' },
        { field: 'price', message: 'Price must have at most 2 decimals' },
      ],
    })
  })

  it('answers 404 for a valid change to a missing ticket, and for a malformed id', async () => {
    const missing = await update(randomUUID(), valid)
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ errors: [{ message: 'Ticket not found' }] })
    expect((await update('not-a-uuid', valid)).statusCode).toBe(404)
  })

  it('answers 401 for someone else’s ticket, reserved or not, and leaves it unchanged', async () => {
    const ticket = await tickets.createTicket(seller)
    const someoneElse = await tickets.user()
    const response = await update(ticket.id, valid, someoneElse.cookies)
    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual({ errors: [{ message: 'This belongs to someone else' }] })
    expect((await update(ticket.id, invalid, someoneElse.cookies)).statusCode).toBe(400)

    const orderId = await tickets.reserve(ticket)
    expect((await update(ticket.id, valid, someoneElse.cookies)).statusCode).toBe(401)
    expect(await tickets.ticket(ticket.id)).toEqual({ ...ticket, version: 1, orderId, status: 'reserved' })
  })

  it('answers 400 to the seller of a reserved ticket, and nothing changes', async () => {
    const ticket = await tickets.createTicket(seller)
    const orderId = await tickets.reserve(ticket)
    const response = await update(ticket.id, valid)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: 'Cannot edit a reserved ticket' }] })
    expect(await tickets.ticket(ticket.id)).toEqual({ ...ticket, version: 1, orderId, status: 'reserved' })
    expect((await tickets.updatesOf(ticket.id)).map((event) => event.version)).toEqual([1])
  })

  it('answers 400 to the seller of a sold ticket, saying so, and nothing changes', async () => {
    const ticket = await tickets.createTicket(seller)
    const orderId = await tickets.sell(ticket)
    const response = await update(ticket.id, valid)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: 'Cannot edit a sold ticket' }] })
    expect(await tickets.ticket(ticket.id)).toEqual({
      ...ticket,
      version: 2,
      orderId,
      status: 'sold',
      holderId: expect.any(String),
    })
    expect((await tickets.updatesOf(ticket.id)).map((event) => event.version)).toEqual([1, 2])
  })

  it('refuses a price below the card gateway’s minimum with 400 on price, and nothing changes', async () => {
    const ticket = await tickets.createTicket(seller)
    const response = await update(ticket.id, { title: ticket.title, price: 0.49 })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      errors: [{ field: 'price', message: 'Price must be at least 0.50 USD' }],
    })
    expect(await tickets.ticket(ticket.id)).toEqual(ticket)
    expect((await update(ticket.id, { title: ticket.title, price: 0.5 })).statusCode).toBe(200)
  })

  it('when a price change races a reservation at the old price, exactly one of them wins', async () => {
    for (let round = 0; round < 5; round++) {
      const ticket = await tickets.createTicket(seller, { price: 10 })
      const order = orderCreated(ticket)
      const [edit] = await Promise.all([
        update(ticket.id, { title: ticket.title, price: 12 }),
        tickets.publish(order),
      ])
      await tickets.handled(order)

      const after = await tickets.ticket(ticket.id)
      const refusals = (await tickets.outbox('ticket.reservation-refused')).filter(
        (refusal) => refusal.orderId === order.data.id,
      )
      if (edit.statusCode === 200) {
        // The edit went first: the order saw a price that is no longer the ticket's.
        expect(after).toEqual({ ...repriced(ticket, 12), version: 1 })
        expect(refusals).toEqual([{ ticketId: ticket.id, orderId: order.data.id, reason: 'price_changed' }])
      } else {
        // The reservation went first: the seller can no longer edit.
        expect(edit.json()).toEqual({ errors: [{ message: 'Cannot edit a reserved ticket' }] })
        expect(after).toEqual({ ...ticket, version: 1, orderId: order.data.id, status: 'reserved' })
        expect(refusals).toEqual([])
      }
    }
  })
})
