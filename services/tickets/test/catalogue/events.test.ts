import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Event } from '../../src/catalogue/event.schemas.js'
import type { Ticket } from '../../src/tickets/ticket.schemas.js'
import { orderCancelled, orderCreated, startTickets, type TicketsHarness, type User } from '../helpers.js'

const DAY = 24 * 3_600_000
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString()

describe('the events catalogue: /api/events', () => {
  let tickets: TicketsHarness
  let admin: User
  let seller: User
  beforeAll(async () => {
    tickets = await startTickets()
    admin = await tickets.user('admin')
    seller = await tickets.user()
  })
  afterAll(() => tickets.close())

  const valid = () => ({
    name: 'Hamilton',
    performer: 'West End cast',
    venue: 'Victoria Palace Theatre',
    city: 'London',
    country: 'GB',
    startsAt: inDays(30),
    timezone: 'Europe/London',
    category: 'theatre',
  })

  const post = (payload: unknown, cookies: Record<string, string> | undefined = admin.cookies) =>
    tickets.app.inject({ method: 'POST', url: '/api/events', payload: payload as object, cookies })

  async function createEvent(overrides: Record<string, unknown> = {}): Promise<Event> {
    const response = await post({ ...valid(), ...overrides })
    if (response.statusCode !== 201) throw new Error(`create event failed: ${response.body}`)
    return response.json<Event>()
  }

  async function list(query: string) {
    const response = await tickets.app.inject({ url: `/api/events${query}` })
    expect(response.statusCode, response.body).toBe(200)
    return response
  }

  async function listTicket(input: Record<string, unknown>, as: User = seller) {
    return tickets.app.inject({ method: 'POST', url: '/api/tickets', payload: input, cookies: as.cookies })
  }

  async function listed(input: Record<string, unknown>): Promise<Ticket> {
    const response = await listTicket(input)
    if (response.statusCode !== 201) throw new Error(`listing failed: ${response.body}`)
    return response.json<Ticket>()
  }

  const getEvent = async (id: string) =>
    (await tickets.app.inject({ url: `/api/events/${id}` })).json<Event>()

  describe('POST /api/events (admin)', () => {
    it('adds an event at version 0, with no listings, and announces event.created', async () => {
      const startsAt = inDays(20)
      const response = await post({
        ...valid(),
        name: '  Hamilton  ',
        startsAt,
        timezone: 'europe/london',
        country: 'gb',
        imageUrl: 'https://example.com/hamilton.jpg',
        priceCap: { kind: 'face_plus', percent: 10 },
      })
      expect(response.statusCode).toBe(201)
      const event = response.json<Event>()
      expect(event).toEqual({
        id: expect.any(String),
        name: 'Hamilton',
        performer: 'West End cast',
        venue: 'Victoria Palace Theatre',
        city: 'London',
        country: 'GB',
        startsAt,
        timezone: 'Europe/London',
        category: 'theatre',
        status: 'scheduled',
        imageUrl: 'https://example.com/hamilton.jpg',
        priceCap: { kind: 'face_plus', percent: 10 },
        version: 0,
        listings: { count: 0, lowestPrice: null, currency: 'USD' },
      })
      expect(await getEvent(event.id)).toEqual(event)
      expect(await tickets.outbox('event.created')).toContainEqual({
        id: event.id,
        version: 0,
        name: 'Hamilton',
        venue: 'Victoria Palace Theatre',
        city: 'London',
        startsAt,
        status: 'scheduled',
        priceCap: { kind: 'face_plus', percent: 10 },
      })
    })

    it('is for admins: 401 signed out, 403 for a member, nothing stored', async () => {
      const before = (await tickets.outbox('event.created')).length
      expect((await post(valid(), {})).statusCode).toBe(401)
      const member = await post(valid(), seller.cookies)
      expect(member.statusCode).toBe(403)
      expect(member.json()).toEqual({ errors: [{ message: 'Forbidden' }] })
      expect(await tickets.outbox('event.created')).toHaveLength(before)
    })

    it('refuses broken rules with 400, every one named at once', async () => {
      const response = await post({
        name: '   ',
        venue: 'x'.repeat(201),
        city: 'London',
        startsAt: '2026-13-45T99:00:00Z',
        timezone: 'Mars/Olympus_Mons',
        category: 'theatre',
        country: 'Britain',
        imageUrl: 'javascript:alert(1)',
        priceCap: { kind: 'face_plus' },
      })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({
        errors: [
          { field: 'name', message: 'Name is required' },
          { field: 'venue', message: 'Venue must be at most 200 characters' },
          {
            field: 'startsAt',
            message: 'Start must be a date and time with its offset, like 2027-05-01T19:30:00+01:00',
          },
          { field: 'timezone', message: 'Time zone must be an IANA name, like Europe/London' },
          { field: 'country', message: 'Country must be a two-letter code, like GB' },
          {
            field: 'imageUrl',
            message: 'Image URL must be an http or https address of at most 2,000 characters',
          },
          { field: 'priceCap.percent', message: 'A cap above face value needs its percent' },
        ],
      })
    })

    it('refuses an event in the past, an unknown category and a start without its offset', async () => {
      expect((await post({ ...valid(), startsAt: inDays(-1) })).json()).toEqual({
        errors: [{ field: 'startsAt', message: 'Start must be in the future' }],
      })
      const category = await post({ ...valid(), category: 'opera' })
      expect(category.statusCode).toBe(400)
      expect(category.json().errors[0].field).toBe('category')
      const local = await post({ ...valid(), startsAt: '2030-05-01T19:30:00' })
      expect(local.json().errors).toEqual([
        {
          field: 'startsAt',
          message: 'Start must be a date and time with its offset, like 2027-05-01T19:30:00+01:00',
        },
      ])
    })
  })

  describe('GET /api/events', () => {
    it('answers the first page from memory, yet shows a change at once: a new event, a listing, a move', async () => {
      const soonest = await createEvent({ startsAt: inDays(0.01) }) // sooner than any other test's events
      const next = await createEvent({ startsAt: inDays(0.02) })
      const first = async () => (await list('?limit=1')).json<Event[]>()
      expect((await first())[0]).toMatchObject({ id: soonest.id, listings: { count: 0 } })
      await first() // kept
      await listed({ eventId: soonest.id, price: 30 })
      expect((await first())[0]).toMatchObject({ id: soonest.id, listings: { count: 1, lowestPrice: 33 } })
      const moved = await tickets.app.inject({
        method: 'PUT',
        url: `/api/events/${soonest.id}`,
        payload: { ...valid(), startsAt: inDays(400) },
        cookies: admin.cookies,
      })
      expect(moved.statusCode).toBe(200)
      expect((await first()).map((event) => event.id)).toEqual([next.id])
    })

    it('lists upcoming events soonest first, without cancelled or started ones, a page at a time', async () => {
      const city = `Paged-${randomUUID().slice(0, 8)}`
      const created: Event[] = []
      for (const days of [9, 3, 7, 5]) created.push(await createEvent({ city, startsAt: inDays(days) }))
      const cancelled = await createEvent({ city, startsAt: inDays(4) })
      await tickets.app.inject({
        method: 'POST',
        url: `/api/events/${cancelled.id}/cancel`,
        cookies: admin.cookies,
      })
      await tickets.db
        .insertInto('events')
        .values({
          id: randomUUID(),
          name: 'Yesterday',
          venue: 'Hall',
          city,
          starts_at: new Date(Date.now() - DAY),
          timezone: 'UTC',
          category: 'concert',
          performer: null,
          country: null,
          image_url: null,
          price_cap_percent: null,
        })
        .execute()

      const first = await list(`?city=${city}&limit=3`)
      const soonest = [...created].sort((a, b) => a.startsAt.localeCompare(b.startsAt))
      expect(first.json<Event[]>().map((event) => event.id)).toEqual(soonest.slice(0, 3).map((e) => e.id))
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.link as string)![1]!
      const second = await list(next.replace('/api/events', ''))
      expect(second.json<Event[]>().map((event) => event.id)).toEqual([soonest[3]!.id])
      expect(second.headers.link).toBeUndefined()
    })

    it('finds events by words of the name, performer or venue in any order, in any letter case', async () => {
      const event = await createEvent({
        name: 'Taylor Swift — The Eras Tour',
        performer: 'Taylor Swift',
        venue: 'Wembley Stadium',
        category: 'concert',
      })
      for (const q of ['Eras Taylor', 'eras', 'WEMBLEY swift', 'tour the', 'swift london']) {
        const found = (await list(`?q=${encodeURIComponent(q)}`)).json<Event[]>()
        expect(
          found.map((e) => e.id),
          q,
        ).toContain(event.id)
      }
      expect((await list('?q=Eras%20Beyonce')).json<Event[]>().map((e) => e.id)).not.toContain(event.id)
      expect((await list('?q=100%25')).json()).toEqual([]) // % matches itself, not everything
    })

    it('filters by city (any letter case), category, and days in the event’s own time zone', async () => {
      const city = `Tokyo-${randomUUID().slice(0, 8)}`
      // 23:30 on a day in Tokyo is 14:30 UTC the same day; 00:30 in Tokyo is the previous day in UTC.
      const day = new Date(Date.now() + 40 * DAY).toISOString().slice(0, 10)
      const lateEvening = await createEvent({
        city,
        timezone: 'Asia/Tokyo',
        startsAt: `${day}T23:30:00+09:00`,
        category: 'comedy',
      })
      const nextDay = new Date(new Date(`${day}T00:00:00Z`).getTime() + DAY).toISOString().slice(0, 10)
      const earlyNextDay = await createEvent({
        city,
        timezone: 'Asia/Tokyo',
        startsAt: `${nextDay}T00:30:00+09:00`,
        category: 'concert',
      })
      const ids = async (query: string) => (await list(query)).json<Event[]>().map((event) => event.id)
      expect(await ids(`?city=${city.toUpperCase()}`)).toEqual([lateEvening.id, earlyNextDay.id])
      expect(await ids(`?city=${city}&category=comedy`)).toEqual([lateEvening.id])
      expect(await ids(`?city=${city}&from=${day}&to=${day}`)).toEqual([lateEvening.id])
      expect(await ids(`?city=${city}&from=${nextDay}`)).toEqual([earlyNextDay.id])
      expect(await ids(`?city=${city}&to=${nextDay}`)).toEqual([lateEvening.id, earlyNextDay.id])
    })

    it.each([
      ['q=' + 'x'.repeat(101), 'q', 'Search text must be at most 100 characters'],
      ['from=2026-02-30', 'from', 'From date must be a valid date'],
      ['to=tomorrow', 'to', 'To date must be a valid date'],
      ['category=opera', 'category', undefined],
      ['cursor=garbage', 'cursor', 'This page link is not valid any more: start again from the first page'],
      ['cursor=' + Buffer.from(JSON.stringify([5, randomUUID()])).toString('base64url'), 'cursor', undefined],
    ])('refuses ?%s with 400 on %s, in words people use', async (query, field, message) => {
      const response = await tickets.app.inject({ url: `/api/events?${query}` })
      expect(response.statusCode).toBe(400)
      const [error] = response.json().errors
      expect(error.field).toBe(field)
      if (message) expect(error.message).toBe(message)
      expect(error.message).not.toMatch(/^(Q|Cursor) /)
    })

    it('answers 404 for an unknown or malformed id', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        const response = await tickets.app.inject({ url: `/api/events/${id}` })
        expect(response.statusCode).toBe(404)
      }
    })
  })

  describe('listings of an event', () => {
    it('a listing takes the event’s name as its title unless given one, and its place and face value', async () => {
      const event = await createEvent()
      const ticket = await listed({
        eventId: event.id,
        price: 80,
        section: ' Stalls ',
        row: 'K',
        seat: '12',
        faceValue: 75,
      })
      expect(ticket).toMatchObject({
        title: 'Hamilton',
        price: 80,
        eventId: event.id,
        section: 'Stalls',
        row: 'K',
        seat: '12',
        faceValue: 75,
        status: 'available',
      })
      const titled = await listed({ eventId: event.id, title: 'Two together, aisle', price: 90 })
      expect(titled.title).toBe('Two together, aisle')
      expect(await tickets.outbox('ticket.created')).toContainEqual(
        expect.objectContaining({ id: ticket.id, eventId: event.id, status: 'available' }),
      )
    })

    it('the course API without an event is unchanged', async () => {
      const response = await listTicket({ title: 'Concert', price: 19.99 })
      expect(response.statusCode).toBe(201)
      expect(response.json()).toEqual({
        id: expect.any(String),
        title: 'Concert',
        price: 19.99,
        currency: 'USD',
        userId: seller.id,
        holderId: seller.id,
        version: 0,
        status: 'available',
        seller: { id: seller.id, displayName: expect.stringMatching(/^Member [0-9A-F]{4}$/) },
        buyerFee: 2,
        buyerTotal: 21.99,
        sellerFee: 1,
        sellerNet: 18.99,
      })
      const missing = await listTicket({})
      expect(missing.json()).toEqual({
        errors: [
          { field: 'title', message: 'Title is required' },
          { field: 'price', message: 'Price is required' },
        ],
      })
    })

    it('enforces a face-value cap on create and edit, to the cent, naming the cap', async () => {
      const event = await createEvent({ priceCap: { kind: 'face' } })
      const atCap = await listTicket({ eventId: event.id, price: 75, faceValue: 75 })
      expect(atCap.statusCode).toBe(201)
      const over = await listTicket({ eventId: event.id, price: 75.01, faceValue: 75 })
      expect(over.statusCode).toBe(400)
      expect(over.json()).toEqual({
        errors: [
          {
            field: 'price',
            message: 'Price must be at most 75.00 USD: resale of this event is capped at face value',
          },
        ],
      })
      const noFace = await listTicket({ eventId: event.id, price: 50 })
      expect(noFace.json()).toEqual({
        errors: [
          {
            field: 'faceValue',
            message: 'Face value is required: resale of this event is capped at face value',
          },
        ],
      })
      const ticket = atCap.json<Ticket>()
      const edit = (price: number) =>
        tickets.app.inject({
          method: 'PUT',
          url: `/api/tickets/${ticket.id}`,
          payload: { title: ticket.title, price },
          cookies: seller.cookies,
        })
      expect((await edit(75.01)).json()).toEqual(over.json())
      expect((await edit(74.99)).statusCode).toBe(200)
      expect((await edit(75)).statusCode).toBe(200)
    })

    it('enforces face value + N %, rounded down to the cent', async () => {
      const event = await createEvent({ priceCap: { kind: 'face_plus', percent: 15 } })
      // 33.33 + 15 % = 38.3295: 38.32 is the most.
      expect((await listTicket({ eventId: event.id, price: 38.32, faceValue: 33.33 })).statusCode).toBe(201)
      const over = await listTicket({ eventId: event.id, price: 38.33, faceValue: 33.33 })
      expect(over.json()).toEqual({
        errors: [
          {
            field: 'price',
            message: 'Price must be at most 38.32 USD: resale of this event is capped at face value + 15%',
          },
        ],
      })
    })

    it('refuses a listing for an unknown, cancelled or started event, and a broken face value', async () => {
      expect((await listTicket({ eventId: randomUUID(), price: 10 })).json()).toEqual({
        errors: [{ field: 'eventId', message: 'Event not found' }],
      })
      const cancelled = await createEvent()
      await tickets.app.inject({
        method: 'POST',
        url: `/api/events/${cancelled.id}/cancel`,
        cookies: admin.cookies,
      })
      expect((await listTicket({ eventId: cancelled.id, price: 10 })).json()).toEqual({
        errors: [{ field: 'eventId', message: 'This event is cancelled: its tickets cannot be sold' }],
      })
      const started = await createEvent()
      await tickets.db
        .updateTable('events')
        .set({ starts_at: new Date(Date.now() - 60_000) })
        .where('id', '=', started.id)
        .execute()
      expect((await listTicket({ eventId: started.id, price: 10 })).json()).toEqual({
        errors: [{ field: 'eventId', message: 'This event has started: its tickets can no longer be sold' }],
      })
      const face = await listTicket({
        eventId: started.id,
        price: 10,
        faceValue: 10.001,
        section: 'x'.repeat(41),
      })
      expect(face.json()).toEqual({
        errors: [
          { field: 'section', message: 'Section must be at most 40 characters' },
          { field: 'faceValue', message: 'Face value must have at most 2 decimals' },
        ],
      })
    })

    it('lists an event’s tickets on sale cheapest first, filtered by price and section, a page at a time', async () => {
      const event = await createEvent()
      const prices = [55, 20, 35.5, 20, 80]
      const made: Ticket[] = []
      for (const [n, price] of prices.entries()) {
        made.push(await listed({ eventId: event.id, price, section: n % 2 === 0 ? 'Stalls' : 'Circle' }))
      }
      const reserved = await listed({ eventId: event.id, price: 1 })
      await tickets.reserve(reserved)

      const all = await tickets.app.inject({ url: `/api/events/${event.id}/tickets?limit=2` })
      expect(all.json<Ticket[]>().map((t) => t.price)).toEqual([20, 20])
      const next = /<([^>]+)>; rel="next"/.exec(all.headers.link as string)![1]!
      const rest = await tickets.app.inject({ url: next })
      expect(rest.json<Ticket[]>().map((t) => t.price)).toEqual([35.5, 55])
      // maxPrice is all-in: 35.50 is 39.05 with its fee.
      const cheap = await tickets.app.inject({ url: `/api/events/${event.id}/tickets?maxPrice=39.05` })
      expect(cheap.json<Ticket[]>().map((t) => t.buyerTotal)).toEqual([22, 22, 39.05])
      const cheaper = await tickets.app.inject({ url: `/api/events/${event.id}/tickets?maxPrice=39.04` })
      expect(cheaper.json<Ticket[]>().map((t) => t.price)).toEqual([20, 20])
      const stalls = await tickets.app.inject({ url: `/api/events/${event.id}/tickets?section=stalls` })
      expect(stalls.json<Ticket[]>().map((t) => t.price)).toEqual([35.5, 55, 80])

      expect((await getEvent(event.id)).listings).toEqual({ count: 5, lowestPrice: 22, currency: 'USD' })
      const unknown = await tickets.app.inject({ url: `/api/events/${randomUUID()}/tickets` })
      expect(unknown.statusCode).toBe(404)
      const crafted = Buffer.from(JSON.stringify(['2026-11-24T09:00:00.000Z', randomUUID()])).toString(
        'base64url',
      )
      const wrongCursor = await tickets.app.inject({
        url: `/api/events/${event.id}/tickets?cursor=${crafted}`,
      })
      expect(wrongCursor.statusCode).toBe(400)
    })

    it('keeps each event’s count and lowest all-in price exact through listings, edits, reservations and releases', async () => {
      const event = await createEvent()
      const listings = async () => (await getEvent(event.id)).listings
      const cheapest = await listed({ eventId: event.id, price: 30 })
      await listed({ eventId: event.id, price: 45 })
      expect(await listings()).toEqual({ count: 2, lowestPrice: 33, currency: 'USD' })
      const orderId = await tickets.reserve(cheapest)
      expect(await listings()).toEqual({ count: 1, lowestPrice: 49.5, currency: 'USD' })
      const release = orderCancelled(orderId, cheapest.id)
      await tickets.publish(release)
      await tickets.handled(release)
      expect(await listings()).toEqual({ count: 2, lowestPrice: 33, currency: 'USD' })
    })
  })

  describe('PUT /api/events/:id and POST /api/events/:id/cancel (admin)', () => {
    it('edits and postpones an event one version up, announcing event.updated', async () => {
      const event = await createEvent()
      const response = await tickets.app.inject({
        method: 'PUT',
        url: `/api/events/${event.id}`,
        payload: { ...valid(), startsAt: event.startsAt, venue: 'Apollo Theatre', status: 'postponed' },
        cookies: admin.cookies,
      })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ venue: 'Apollo Theatre', status: 'postponed', version: 1 })
      expect(response.json()).not.toHaveProperty('firstStartsAt') // postponed, not moved yet
      expect(await tickets.outbox('event.updated')).toContainEqual(
        expect.objectContaining({ id: event.id, version: 1, status: 'postponed', venue: 'Apollo Theatre' }),
      )
      const member = await tickets.app.inject({
        method: 'PUT',
        url: `/api/events/${event.id}`,
        payload: valid(),
        cookies: seller.cookies,
      })
      expect(member.statusCode).toBe(403)
      const missing = await tickets.app.inject({
        method: 'PUT',
        url: `/api/events/${randomUUID()}`,
        payload: valid(),
        cookies: admin.cookies,
      })
      expect(missing.statusCode).toBe(404)
    })

    it('keeps the start first announced once an event is moved, through later moves', async () => {
      const event = await createEvent()
      const move = (startsAt: string) =>
        tickets.app.inject({
          method: 'PUT',
          url: `/api/events/${event.id}`,
          payload: { ...valid(), startsAt, status: 'postponed' },
          cookies: admin.cookies,
        })
      const later = inDays(60)
      const moved = await move(later)
      expect(moved.json()).toMatchObject({
        startsAt: later,
        firstStartsAt: event.startsAt,
        status: 'postponed',
      })
      const again = await move(inDays(90))
      expect(again.json().firstStartsAt).toBe(event.startsAt)
      expect((await getEvent(event.id)).firstStartsAt).toBe(event.startsAt)
    })

    it('cancelling withdraws every listing on sale, announces each change once, and refuses what follows', async () => {
      const event = await createEvent()
      const onSale = [
        await listed({ eventId: event.id, price: 10 }),
        await listed({ eventId: event.id, price: 12 }),
      ]
      const held = await listed({ eventId: event.id, price: 14 })
      const orderId = await tickets.reserve(held)
      const elsewhere = await listed({ title: 'Another show', price: 10 })

      const cancel = () =>
        tickets.app.inject({ method: 'POST', url: `/api/events/${event.id}/cancel`, cookies: admin.cookies })
      const response = await cancel()
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({
        status: 'cancelled',
        version: 1,
        listings: { count: 0, lowestPrice: null },
      })
      for (const ticket of onSale) {
        expect(await tickets.ticket(ticket.id)).toMatchObject({ status: 'withdrawn', version: 1 })
        expect((await tickets.updatesOf(ticket.id)).map((update) => update.status)).toEqual(['withdrawn'])
      }
      expect(await tickets.ticket(elsewhere.id)).toMatchObject({ status: 'available', version: 0 })
      expect((await tickets.outbox('event.cancelled')).filter((data) => data.id === event.id)).toHaveLength(1)

      // Again: nothing more changes or is announced.
      expect((await cancel()).statusCode).toBe(200)
      expect((await tickets.outbox('event.cancelled')).filter((data) => data.id === event.id)).toHaveLength(1)
      expect(await tickets.updatesOf(onSale[0]!.id)).toHaveLength(1)

      // Off every list, and no reservation of it is confirmed.
      const forSale = (await tickets.app.inject({ url: '/api/tickets?limit=200' })).json<Ticket[]>()
      expect(forSale.map((t) => t.id)).not.toContain(onSale[0]!.id)
      expect(forSale.map((t) => t.id)).toContain(elsewhere.id)
      const late = orderCreated(onSale[0]!)
      await tickets.publish(late)
      await tickets.handled(late)
      expect(await tickets.outbox('ticket.reservation-refused')).toContainEqual({
        ticketId: onSale[0]!.id,
        orderId: late.data.id,
        reason: 'withdrawn',
      })

      // The held ticket goes off sale when its order's cancellation releases it.
      const release = orderCancelled(orderId, held.id)
      await tickets.publish(release)
      await tickets.handled(release)
      expect(await tickets.ticket(held.id)).toMatchObject({ status: 'withdrawn', version: 2 })
      expect(await tickets.ticket(held.id)).not.toHaveProperty('orderId')

      const edit = await tickets.app.inject({
        method: 'PUT',
        url: `/api/events/${event.id}`,
        payload: valid(),
        cookies: admin.cookies,
      })
      expect(edit.json()).toEqual({ errors: [{ message: 'A cancelled event cannot be changed' }] })
    })

    it('refuses a reservation of a ticket whose event has started', async () => {
      const event = await createEvent()
      const ticket = await listed({ eventId: event.id, price: 10 })
      await tickets.db
        .updateTable('events')
        .set({ starts_at: new Date(Date.now() - 1000) })
        .where('id', '=', event.id)
        .execute()
      const order = orderCreated(ticket)
      await tickets.publish(order)
      await tickets.handled(order)
      expect(await tickets.outbox('ticket.reservation-refused')).toContainEqual({
        ticketId: ticket.id,
        orderId: order.data.id,
        reason: 'event_over',
      })
      expect(await tickets.ticket(ticket.id)).toMatchObject({ status: 'available', version: 0 })
      const forSale = (await tickets.app.inject({ url: '/api/tickets?limit=200' })).json<Ticket[]>()
      expect(forSale.map((t) => t.id)).not.toContain(ticket.id)
    })
  })
})
