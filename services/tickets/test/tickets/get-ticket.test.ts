import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTickets, type TicketsHarness } from '../helpers.js'

describe('GET /api/tickets/:id', () => {
  let tickets: TicketsHarness
  beforeAll(async () => (tickets = await startTickets()))
  afterAll(() => tickets.close())

  it('answers the ticket to anyone, signed in or not', async () => {
    const seller = await tickets.user()
    const ticket = await tickets.createTicket(seller, { title: 'Opera', price: 42.5 })
    const response = await tickets.app.inject({ url: `/api/tickets/${ticket.id}` })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      id: ticket.id,
      title: 'Opera',
      price: 42.5,
      currency: 'USD',
      userId: seller.id,
      holderId: seller.id,
      version: 0,
      status: 'available',
      seller: { id: seller.id, displayName: expect.stringMatching(/^Member [0-9A-F]{4}$/) },
      // 5 % of 42.50 is 2.125: a half cent rounds up.
      buyerFee: 4.25,
      buyerTotal: 46.75,
      sellerFee: 2.13,
      sellerNet: 40.37,
    })
  })

  it('shows the order holding a reserved ticket, its status and its version', async () => {
    const ticket = await tickets.createTicket(await tickets.user())
    const orderId = await tickets.reserve(ticket)
    expect(await tickets.ticket(ticket.id)).toEqual({ ...ticket, version: 1, orderId, status: 'reserved' })
  })

  it('answers 404 for an unknown id and for a malformed one', async () => {
    const unknown = await tickets.app.inject({ url: `/api/tickets/${randomUUID()}` })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toEqual({ errors: [{ message: 'Ticket not found' }] })
    const malformed = await tickets.app.inject({ url: '/api/tickets/not-a-uuid' })
    expect(malformed.statusCode).toBe(404)
    expect(malformed.json()).toEqual({ errors: [{ message: 'Not found' }] })
  })
})
