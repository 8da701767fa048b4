import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ticket } from '../../src/tickets/ticket.schemas.js'
import { orderCancelled, startTickets, type TicketsHarness, type User } from '../helpers.js'

describe('holdings: what a member bought is theirs to resell or give away', () => {
  let tickets: TicketsHarness
  let admin: User
  let seller: User
  let buyer: User
  let third: User
  let friend: User
  beforeAll(async () => {
    tickets = await startTickets()
    admin = await tickets.user('admin')
    seller = await tickets.user()
    buyer = await tickets.user()
    third = await tickets.user()
    friend = await tickets.user()
    await tickets.announceMember(seller, 'seller@example.com', 'Sam Seller')
    await tickets.announceMember(buyer, 'buyer@example.com', 'Bea Buyer')
    await tickets.announceMember(third, 'third@example.com', 'Theo Third')
    await tickets.announceMember(friend, 'Friend@Example.com', 'Fran Friend')
  })
  afterAll(() => tickets.close())

  const post = (url: string, as: User | undefined, payload?: object) =>
    tickets.app.inject({
      method: 'POST',
      url,
      ...(payload && { payload }),
      ...(as && { cookies: as.cookies }),
    })
  const relist = (id: string, as: User | undefined, price: unknown) =>
    post(`/api/tickets/${id}/relist`, as, { price })
  const transfer = (id: string, as: User | undefined, email: string) =>
    post(`/api/tickets/${id}/transfer`, as, { email })
  const credentialOf = async (id: string, as: User) => {
    const response = await tickets.app.inject({ url: `/api/tickets/${id}/credential`, cookies: as.cookies })
    expect(response.statusCode, response.body).toBe(200)
    return response.json<{ credential: string }>().credential
  }
  const verify = async (credential: string) => {
    const response = await post('/api/tickets/verify', admin, { credential })
    expect(response.statusCode, response.body).toBe(200)
    return response.json<{ valid: boolean; reason?: string; ticketId?: string }>()
  }
  const mine = async (as: User) =>
    (await tickets.app.inject({ url: '/api/tickets/mine', cookies: as.cookies })).json<Ticket[]>()

  /** An event capped at face value + 10 %, and a ticket of it listed by the seller at face value 50. */
  async function cappedListing(): Promise<Ticket> {
    const event = await tickets.app.inject({
      method: 'POST',
      url: '/api/events',
      cookies: admin.cookies,
      payload: {
        name: 'Hamilton',
        venue: 'Victoria Palace Theatre',
        city: 'London',
        timezone: 'Europe/London',
        category: 'theatre',
        startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        priceCap: { kind: 'face_plus', percent: 10 },
      },
    })
    const listed = await post('/api/tickets', seller, { eventId: event.json().id, price: 50, faceValue: 50 })
    expect(listed.statusCode, listed.body).toBe(201)
    return listed.json<Ticket>()
  }

  it('a ticket bought, relisted within the cap, bought again and given away: each step held and recorded', async () => {
    const listing = await cappedListing()
    expect(listing).toMatchObject({ holderId: seller.id, status: 'available' })

    await tickets.sell(listing, buyer.id)
    const buyersCredential = await credentialOf(listing.id, buyer)
    expect(await verify(buyersCredential)).toEqual({ valid: true, ticketId: listing.id })
    const bought = await tickets.ticket(listing.id)
    expect(bought).toMatchObject({ status: 'sold', holderId: buyer.id, userId: seller.id })
    expect((await mine(buyer)).map((ticket) => ticket.id)).toContain(listing.id)

    // Over the cap (face value 50 + 10 % = 55): refused naming the cap, nothing changes.
    const over = await relist(listing.id, buyer, 55.01)
    expect(over.statusCode).toBe(400)
    expect(over.json()).toEqual({
      errors: [
        {
          field: 'price',
          message: 'Price must be at most 55.00 USD: resale of this event is capped at face value + 10%',
        },
      ],
    })
    expect(await tickets.ticket(listing.id)).toEqual(bought)

    const relisted = await relist(listing.id, buyer, 55)
    expect(relisted.statusCode, relisted.body).toBe(200)
    expect(relisted.json()).toMatchObject({
      status: 'available',
      userId: buyer.id,
      holderId: buyer.id,
      price: 55,
      buyerTotal: 60.5,
      sellerNet: 52.25,
      seller: { id: buyer.id, displayName: 'Bea Buyer' },
    })
    expect(relisted.json()).not.toHaveProperty('orderId')
    expect(await tickets.updatesOf(listing.id)).toContainEqual(
      expect.objectContaining({ status: 'available', userId: buyer.id, holderId: buyer.id, price: 5500 }),
    )

    // Listed again, the buyer's credential still gets them in; the sale is what supersedes it.
    expect(await verify(buyersCredential)).toEqual({ valid: true, ticketId: listing.id })
    await tickets.sell(relisted.json<Ticket>(), third.id)
    expect(await tickets.ticket(listing.id)).toMatchObject({ status: 'sold', holderId: third.id })
    expect(await verify(buyersCredential)).toEqual({
      valid: false,
      reason: 'superseded',
      ticketId: listing.id,
    })
    const thirdsCredential = await credentialOf(listing.id, third)
    expect((await mine(buyer)).map((ticket) => ticket.id)).not.toContain(listing.id)

    const given = await transfer(listing.id, third, '  friend@EXAMPLE.com ')
    expect(given.statusCode, given.body).toBe(200)
    expect(given.json()).toMatchObject({ status: 'sold', holderId: friend.id })
    expect((await mine(friend)).map((ticket) => ticket.id)).toEqual([listing.id])
    expect(await verify(thirdsCredential)).toEqual({
      valid: false,
      reason: 'superseded',
      ticketId: listing.id,
    })
    expect(await verify(await credentialOf(listing.id, friend))).toEqual({
      valid: true,
      ticketId: listing.id,
    })
    // Only the holder gets one.
    const notTheirs = await tickets.app.inject({
      url: `/api/tickets/${listing.id}/credential`,
      cookies: third.cookies,
    })
    expect(notTheirs.statusCode).toBe(401)

    const history = await tickets.app.inject({ url: `/api/tickets/${listing.id}/history` })
    expect(history.statusCode).toBe(200)
    expect(history.json()).toEqual([
      {
        kind: 'listed',
        at: expect.any(String),
        price: 50,
        currency: 'USD',
        from: { displayName: 'Sam Seller' },
      },
      {
        kind: 'sold',
        at: expect.any(String),
        price: 50,
        currency: 'USD',
        from: { displayName: 'Sam Seller' },
        to: { displayName: 'Bea Buyer' },
      },
      {
        kind: 'listed',
        at: expect.any(String),
        price: 55,
        currency: 'USD',
        from: { displayName: 'Bea Buyer' },
      },
      {
        kind: 'sold',
        at: expect.any(String),
        price: 55,
        currency: 'USD',
        from: { displayName: 'Bea Buyer' },
        to: { displayName: 'Theo Third' },
      },
      {
        kind: 'transferred',
        at: expect.any(String),
        from: { displayName: 'Theo Third' },
        to: { displayName: 'Fran Friend' },
      },
    ])
    const times = history.json<{ at: string }[]>().map((step) => Date.parse(step.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(JSON.stringify(history.json())).not.toContain('@example.com')
  })

  it('the door refuses anything it did not sign, a credential altered, and a ticket of an event that is over', async () => {
    const listing = await cappedListing()
    await tickets.sell(listing, buyer.id)
    const credential = await credentialOf(listing.id, buyer)
    expect(await verify('not a credential')).toEqual({ valid: false, reason: 'invalid' })
    const [header, payload, signature] = credential.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
    const forged = Buffer.from(JSON.stringify({ ...claims, hid: third.id })).toString('base64url')
    expect(await verify(`${header}.${forged}.${signature}`)).toEqual({ valid: false, reason: 'invalid' })
    // A session token is signed by auth, not by tickets, and is not a credential either.
    expect(await verify(buyer.cookies.session)).toEqual({ valid: false, reason: 'invalid' })

    // Only admins (standing in for door staff) check credentials.
    const member = await post('/api/tickets/verify', buyer, { credential })
    expect(member.statusCode).toBe(403)
    expect((await post('/api/tickets/verify', undefined, { credential })).statusCode).toBe(401)

    const cancelled = await post(`/api/events/${listing.eventId}/cancel`, admin, {})
    expect(cancelled.statusCode).toBe(200)
    // The sale is undone by the cancellation's cascade through orders (superseded then); the event says no now.
    expect(await verify(credential)).toEqual({ valid: false, reason: 'event_over', ticketId: listing.id })
  })

  it('a relist waits for its event’s cancellation in progress, and is then refused: nothing goes on sale for a cancelled event', async () => {
    const listing = await cappedListing()
    await tickets.sell(listing, buyer.id)
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let locked!: () => void
    const eventLocked = new Promise<void>((resolve) => (locked = resolve))
    // A cancellation that has taken the event's row and not yet committed.
    const cancelling = tickets.db.transaction().execute(async (trx) => {
      await trx.selectFrom('events').select('id').where('id', '=', listing.eventId!).forUpdate().execute()
      locked()
      await released
      await trx
        .updateTable('events')
        .set({ status: 'cancelled' })
        .where('id', '=', listing.eventId!)
        .execute()
    })
    await eventLocked
    const relisting = relist(listing.id, buyer, 50)
    // Long enough for the relist to read the event, were it not waiting for it.
    await new Promise((resolve) => setTimeout(resolve, 300))
    release()
    await cancelling
    const answer = await relisting
    expect(answer.statusCode).toBe(400)
    expect(answer.json()).toEqual({
      errors: [{ message: 'This ticket cannot be sold: its event is cancelled' }],
    })
    expect(await tickets.ticket(listing.id)).toMatchObject({ status: 'sold', holderId: buyer.id })
  })

  it('only the holder relists or gives a ticket away (401), and signed out is 401', async () => {
    const listing = await tickets.createTicket(seller, { price: 30 })
    await tickets.sell(listing, buyer.id)
    for (const as of [seller, third, undefined]) {
      expect((await relist(listing.id, as, 30)).statusCode).toBe(401)
      expect((await transfer(listing.id, as, 'friend@example.com')).statusCode).toBe(401)
    }
    expect((await relist(randomUUID(), buyer, 30)).statusCode).toBe(404)
    expect(await tickets.ticket(listing.id)).toMatchObject({ holderId: buyer.id, status: 'sold' })
  })

  it('refuses to give away a listed or reserved ticket, or to an unknown email (400 on email)', async () => {
    const listing = await tickets.createTicket(seller, { price: 30 })
    const listed = await transfer(listing.id, seller, 'friend@example.com')
    expect(listed.statusCode).toBe(400)
    expect(listed.json()).toEqual({
      errors: [{ message: 'This ticket is on sale: withdraw the listing first' }],
    })

    await tickets.reserve(listing)
    const reserved = await transfer(listing.id, seller, 'friend@example.com')
    expect(reserved.statusCode).toBe(400)
    expect(reserved.json()).toEqual({ errors: [{ message: 'A buyer is holding this ticket right now' }] })

    const other = await tickets.createTicket(seller, { price: 30 })
    await tickets.sell(other, buyer.id)
    const unknown = await transfer(other.id, buyer, 'nobody@example.com')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json()).toEqual({
      errors: [{ field: 'email', message: 'No member has this email address' }],
    })
    const self = await transfer(other.id, buyer, 'buyer@example.com')
    expect(self.json()).toEqual({ errors: [{ field: 'email', message: 'This ticket is already yours' }] })
    const empty = await transfer(other.id, buyer, '')
    expect(empty.statusCode).toBe(400)
    expect(empty.json().errors[0].field).toBe('email')
    expect(await tickets.ticket(other.id)).toMatchObject({ holderId: buyer.id, status: 'sold' })
  })

  it('a seller withdraws a listing and may list it again; a sold or reserved one cannot be withdrawn', async () => {
    const listing = await tickets.createTicket(seller, { price: 30 })
    const withdrawn = await post(`/api/tickets/${listing.id}/withdraw`, seller)
    expect(withdrawn.statusCode).toBe(200)
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', holderId: seller.id })
    expect((await post(`/api/tickets/${listing.id}/withdraw`, seller)).statusCode).toBe(200) // once is enough
    expect((await post(`/api/tickets/${listing.id}/withdraw`, buyer)).statusCode).toBe(401)
    // Off sale: orders' replica hears it, and tickets refuses a reservation.
    expect(await tickets.updatesOf(listing.id)).toContainEqual(
      expect.objectContaining({ status: 'withdrawn' }),
    )

    // Withdrawn, it may be given away, or listed again.
    const again = await relist(listing.id, seller, 35)
    expect(again.json()).toMatchObject({ status: 'available', price: 35 })
    await tickets.sell(again.json<Ticket>(), buyer.id)
    const sold = await post(`/api/tickets/${listing.id}/withdraw`, buyer)
    expect(sold.statusCode).toBe(400)
    expect(sold.json()).toEqual({ errors: [{ message: 'This ticket is not on sale' }] })
  })

  it('a sale undone by its event’s cancellation hands the ticket back to its seller', async () => {
    const listing = await cappedListing()
    const orderId = await tickets.sell(listing, buyer.id)
    const undone = orderCancelled(orderId, listing.id, 'event_cancelled')
    await tickets.publish(undone)
    await tickets.handled(undone)
    expect(await tickets.ticket(listing.id)).toMatchObject({ status: 'withdrawn', holderId: seller.id })
    expect((await mine(buyer)).map((ticket) => ticket.id)).not.toContain(listing.id)
  })

  it('answers 400 to a malformed relist or transfer body, naming the field, and 404 to an unknown ticket’s history', async () => {
    const listing = await tickets.createTicket(seller, { price: 30 })
    await tickets.sell(listing, buyer.id)
    const text = await relist(listing.id, buyer, '30')
    expect(text.json()).toEqual({ errors: [{ field: 'price', message: 'Price must be a number' }] })
    const tooFine = await relist(listing.id, buyer, 30.001)
    expect(tooFine.json()).toEqual({
      errors: [{ field: 'price', message: 'Price must have at most 2 decimals' }],
    })
    const noBody = await post(`/api/tickets/${listing.id}/transfer`, buyer, {})
    expect(noBody.json()).toEqual({ errors: [{ field: 'email', message: 'Email is required' }] })
    expect((await tickets.app.inject({ url: `/api/tickets/${randomUUID()}/history` })).statusCode).toBe(404)
  })
})
