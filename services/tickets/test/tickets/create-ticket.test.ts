import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTickets, type TicketsHarness, type User } from '../helpers.js'

describe('POST /api/tickets', () => {
  let tickets: TicketsHarness
  let seller: User
  beforeAll(async () => {
    tickets = await startTickets()
    seller = await tickets.user()
  })
  afterAll(() => tickets.close())

  const create = (payload: unknown, cookies: Record<string, string> | undefined = seller.cookies) =>
    tickets.app.inject({ method: 'POST', url: '/api/tickets', payload: payload as object, cookies })

  it('lists the ticket for the seller at version 0, title trimmed, price in major units', async () => {
    const response = await create({ title: '  Opera night \n', price: 19.99 })
    expect(response.statusCode).toBe(201)
    const ticket = response.json()
    expect(ticket).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Opera night',
      price: 19.99,
      currency: 'USD',
      userId: seller.id,
      holderId: seller.id,
      version: 0,
      status: 'available',
      seller: { id: seller.id, displayName: expect.stringMatching(/^Member [0-9A-F]{4}$/) },
      // 10 % and 5 % of 19.99, each rounded to the cent: 1.999 → 2.00, 0.9995 → 1.00.
      buyerFee: 2,
      buyerTotal: 21.99,
      sellerFee: 1,
      sellerNet: 18.99,
    })
    expect(await tickets.ticket(ticket.id)).toEqual(ticket)
  })

  it('announces ticket.created through the outbox, the price in minor units', async () => {
    const ticket = await tickets.createTicket(seller, { title: 'Ballet', price: 1_000_000 })
    expect(await tickets.outbox('ticket.created')).toContainEqual({
      id: ticket.id,
      version: 0,
      title: 'Ballet',
      price: 100_000_000,
      buyerFee: 10_000_000,
      sellerFee: 5_000_000,
      currency: 'USD',
      userId: seller.id,
      holderId: seller.id,
      status: 'available',
    })
  })

  it('ignores userId, version and orderId in the body', async () => {
    const someoneElse = await tickets.user()
    const response = await create({
      title: 'Jazz',
      price: 5,
      userId: someoneElse.id,
      version: 7,
      orderId: someoneElse.id,
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ userId: seller.id, version: 0 })
    expect(response.json()).not.toHaveProperty('orderId')
  })

  it('accepts a title of exactly 200 characters once trimmed, and the card gateway’s minimum price, 0.50', async () => {
    const title = 'é'.repeat(200)
    const response = await create({ title: `  ${title}  `, price: 0.5 })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ title, price: 0.5 })
  })

  it('answers 401 signed out, before looking at the body', async () => {
    for (const payload of [
      { title: 'Concert', price: 10 },
      { title: '', price: '10' },
    ]) {
      const response = await create(payload, {})
      expect(response.statusCode).toBe(401)
      expect(response.json()).toEqual({ errors: [{ message: 'Not signed in' }] })
    }
  })

  it.each([
    [{ title: 'Concert', price: '10' }, [{ field: 'price', message: 'Price must be a number' }]],
    [
      { title: 'Concert', price: 10.999 },
      [{ field: 'price', message: 'Price must have at most 2 decimals' }],
    ],
    [
      { title: 'Concert', price: 0 },
      [{ field: 'price', message: 'Price must be more than 0 and at most 1,000,000' }],
    ],
    // Stripe refuses to charge less than 0.50 USD: such a listing could be reserved but never paid.
    [{ title: 'Concert', price: 0.49 }, [{ field: 'price', message: 'Price must be at least 0.50 USD' }]],
    [{ title: 'Concert', price: 0.01 }, [{ field: 'price', message: 'Price must be at least 0.50 USD' }]],
    [
      { title: 'Concert', price: -5 },
      [{ field: 'price', message: 'Price must be more than 0 and at most 1,000,000' }],
    ],
    [
      { title: 'Concert', price: 1_000_000.01 },
      [{ field: 'price', message: 'Price must be more than 0 and at most 1,000,000' }],
    ],
    [{ title: '   ', price: 10 }, [{ field: 'title', message: 'Title is required' }]],
    [
      { title: 'x'.repeat(201), price: 10 },
      [{ field: 'title', message: 'Title must be at most 200 characters' }],
    ],
    [{ title: 42, price: 10 }, [{ field: 'title', message: 'Title must be a string' }]],
    [
      { title: ' \t ', price: 10.001 },
      [
        { field: 'title', message: 'Title is required' },
        { field: 'price', message: 'Price must have at most 2 decimals' },
      ],
    ],
    [
      {},
      [
        { field: 'title', message: 'Title is required' },
        { field: 'price', message: 'Price is required' },
      ],
    ],
  ])('refuses %j with 400 naming every invalid field', async (payload, errors) => {
    const before = (await tickets.outbox('ticket.created')).length
    const response = await create(payload)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors })
    expect(await tickets.outbox('ticket.created')).toHaveLength(before)
  })
})

describe('POST /api/tickets with CURRENCY=EUR', () => {
  let tickets: TicketsHarness
  beforeAll(async () => (tickets = await startTickets({ CURRENCY: 'EUR' })))
  afterAll(() => tickets.close())

  it('lists tickets in the configured currency', async () => {
    const ticket = await tickets.createTicket(await tickets.user(), { price: 12.5 })
    expect(ticket).toMatchObject({ price: 12.5, currency: 'EUR' })
    expect(await tickets.outbox('ticket.created')).toEqual([
      expect.objectContaining({ price: 1250, currency: 'EUR' }),
    ])
  })
})

describe('POST /api/tickets with CURRENCY=JPY, which has no minor unit', () => {
  let tickets: TicketsHarness
  beforeAll(async () => (tickets = await startTickets({ CURRENCY: 'JPY' })))
  afterAll(() => tickets.close())

  it('stores yen as they are, not a hundred times over, and refuses fractions of a yen', async () => {
    const seller = await tickets.user()
    const ticket = await tickets.createTicket(seller, { price: 8000 })
    expect(ticket).toMatchObject({ price: 8000, currency: 'JPY' })
    expect(await tickets.outbox('ticket.created')).toEqual([
      expect.objectContaining({ price: 8000, currency: 'JPY' }),
    ])
    const fraction = await tickets.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { title: 'Kabuki', price: 8000.5 },
      cookies: seller.cookies,
    })
    expect(fraction.statusCode).toBe(400)
    expect(fraction.json()).toEqual({
      errors: [{ field: 'price', message: 'Price must be a whole number of JPY' }],
    })
  })

  it('refuses a price below the card gateway’s minimum in yen, ¥50', async () => {
    const seller = await tickets.user()
    const below = await tickets.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { title: 'Kabuki', price: 49 },
      cookies: seller.cookies,
    })
    expect(below.statusCode).toBe(400)
    expect(below.json()).toEqual({ errors: [{ field: 'price', message: 'Price must be at least 50 JPY' }] })
    expect(await tickets.createTicket(seller, { price: 50 })).toMatchObject({ price: 50, currency: 'JPY' })
  })
})
