import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ticket } from '../../src/tickets/ticket.schemas.js'
import { startTickets, type TicketsHarness, type User } from '../helpers.js'

/** created_at has millisecond precision: tickets listed a moment apart have a definite newest-first order. */
const nextMillisecond = () => new Promise((resolve) => setTimeout(resolve, 2))

/** The URL of the next page, from a `Link: <…>; rel="next"` header. */
function nextPage(link: unknown): string | undefined {
  if (typeof link !== 'string') return undefined
  return /^<([^>]+)>; rel="next"$/.exec(link)![1]
}

describe('GET /api/tickets', () => {
  let tickets: TicketsHarness
  beforeAll(async () => (tickets = await startTickets()))
  afterAll(() => tickets.close())

  async function listSome(seller: User, count: number): Promise<Ticket[]> {
    const listed: Ticket[] = []
    for (let n = 1; n <= count; n++) {
      listed.push(await tickets.createTicket(seller, { title: `Ticket ${n}`, price: n }))
      await nextMillisecond()
    }
    return listed
  }

  /** Follows the Link headers from `url` to the last page; every page is a request of its own. */
  async function allPages(url: string) {
    const pages: Ticket[][] = []
    for (let next: string | undefined = url; next;) {
      const response = await tickets.app.inject({ url: next })
      expect(response.statusCode).toBe(200)
      pages.push(response.json())
      next = nextPage(response.headers.link)
    }
    return pages
  }

  it('lists the tickets for sale, newest first, without the reserved ones', async () => {
    const [older, reserved, newer] = await listSome(await tickets.user(), 3)
    const orderId = await tickets.reserve(reserved!)
    const response = await tickets.app.inject({ url: '/api/tickets' })
    expect(response.statusCode).toBe(200)
    expect(response.headers.link).toBeUndefined()
    const ids = response.json().map((ticket: Ticket) => ticket.id)
    expect(ids).toContain(older!.id)
    expect(ids).not.toContain(reserved!.id)
    expect(ids.indexOf(newer!.id)).toBeLessThan(ids.indexOf(older!.id))
    expect(response.json().find((ticket: Ticket) => ticket.id === newer!.id)).toEqual(newer)
    expect(response.json().some((ticket: Ticket) => ticket.orderId === orderId)).toBe(false)
  })

  it('?userId lists that seller’s tickets newest first, reserved ones included, with their orderId', async () => {
    const seller = await tickets.user()
    const [first, second] = await listSome(seller, 2)
    await listSome(await tickets.user(), 1) // someone else's: not listed
    const orderId = await tickets.reserve(first!)
    const response = await tickets.app.inject({ url: `/api/tickets?userId=${seller.id}` })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual([second, { ...first, version: 1, orderId, status: 'reserved' }])
  })

  it('?q keeps the tickets whose title contains it, in any case, pages keeping the search', async () => {
    const seller = await tickets.user()
    const word = `Zeppelin${Date.now()}`
    const first = await tickets.createTicket(seller, { title: `Led ${word} tribute`, price: 10 })
    await nextMillisecond()
    const reserved = await tickets.createTicket(seller, { title: `${word} reserved`, price: 11 })
    await tickets.reserve(reserved)
    await nextMillisecond()
    await tickets.createTicket(seller, { title: 'Something else', price: 12 })
    const second = await tickets.createTicket(seller, { title: `late ${word.toLowerCase()} show`, price: 13 })
    // A wildcard in the search is a character like any other.
    await tickets.createTicket(seller, { title: `${word} 100% live`, price: 14 })

    const pages = await allPages(`/api/tickets?limit=1&q=${encodeURIComponent(` ${word.toUpperCase()} `)}`)
    expect(pages.flat().map((ticket) => ticket.title)).toEqual([
      `${word} 100% live`,
      second.title,
      first.title,
    ])
    const percent = await tickets.app.inject({ url: `/api/tickets?q=${encodeURIComponent(`${word} 100%`)}` })
    expect(percent.json().map((ticket: Ticket) => ticket.price)).toEqual([14])
    // As a wildcard, "1%" would match "100% live".
    const notWildcard = await tickets.app.inject({
      url: `/api/tickets?q=${encodeURIComponent(`${word} 1%`)}`,
    })
    expect(notWildcard.json()).toEqual([])
    const wildcard = await tickets.app.inject({ url: `/api/tickets?q=${encodeURIComponent('%')}` })
    expect(wildcard.json().map((ticket: Ticket) => ticket.price)).toEqual([14])
    const tooLong = await tickets.app.inject({ url: `/api/tickets?q=${'x'.repeat(101)}` })
    expect(tooLong.statusCode).toBe(400)
  })

  it('pages with ?limit, the next page in a Link header, until every ticket was listed once', async () => {
    const seller = await tickets.user()
    const listed = await listSome(seller, 5)
    const reserved = listed[2]!
    await tickets.reserve(reserved)

    const pages = await allPages(`/api/tickets?userId=${seller.id}&limit=2`)
    expect(pages.map((page) => page.map((ticket) => ticket.title))).toEqual([
      ['Ticket 5', 'Ticket 4'],
      ['Ticket 3', 'Ticket 2'],
      ['Ticket 1'],
    ])
    const first = await tickets.app.inject({ url: `/api/tickets?userId=${seller.id}&limit=2` })
    expect(nextPage(first.headers.link)).toMatch(
      new RegExp(`^/api/tickets\\?userId=${seller.id}&limit=2&cursor=[\\w-]+$`),
    )

    // The tickets for sale page the same way, the reserved one left out.
    const forSale = (await allPages('/api/tickets?limit=2')).flat().map((ticket) => ticket.id)
    const mine = listed.map((ticket) => ticket.id).filter((id) => id !== reserved.id)
    expect(forSale.filter((id) => mine.includes(id))).toEqual(mine.reverse())
    expect(new Set(forSale).size).toBe(forSale.length)
  })

  it('ends without a Link when the last page is exactly full: no empty page to follow', async () => {
    const seller = await tickets.user()
    await listSome(seller, 2)
    const pages = await allPages(`/api/tickets?userId=${seller.id}&limit=1`)
    expect(pages.map((page) => page.length)).toEqual([1, 1])
  })

  it.each([
    ['limit=0', 'limit', 'Limit must be at least 1'],
    ['limit=201', 'limit', 'Limit must be at most 200'],
    ['limit=ten', 'limit', 'Limit must be a whole number'],
    ['cursor=garbage', 'cursor', 'This page link is not valid any more: start again from the first page'],
    ['userId=nobody', 'userId', 'User id must be a valid id'],
  ])('refuses ?%s with 400 naming the parameter', async (query, field, message) => {
    const response = await tickets.app.inject({ url: `/api/tickets?${query}` })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ field, message }] })
  })

  it('answers at most 200 tickets, and 50 unless told', async () => {
    const seller = await tickets.user()
    await Promise.all(
      Array.from({ length: 60 }, (_, n) => tickets.createTicket(seller, { title: `Bulk ${n}` })),
    )
    const byDefault = await tickets.app.inject({ url: `/api/tickets?userId=${seller.id}` })
    expect(byDefault.json()).toHaveLength(50)
    expect(nextPage(byDefault.headers.link)).toContain('limit=50')
    const all = await tickets.app.inject({ url: `/api/tickets?userId=${seller.id}&limit=200` })
    expect(all.json()).toHaveLength(60)
    expect(all.headers.link).toBeUndefined()
  })
})
