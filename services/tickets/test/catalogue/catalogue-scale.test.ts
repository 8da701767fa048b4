import { randomUUID } from 'node:crypto'
import { CompiledQuery, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventTicketsQuery,
  listingFiguresQuery,
  upcomingEventsQuery,
} from '../../src/catalogue/event.repository.js'
import { startTickets, type TicketsHarness } from '../helpers.js'

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

/** Every node of a plan, depth first. */
function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)]
}

/**
 * The catalogue at the size of a real marketplace: 10,000 events, 20,000 listings among half of them, and one
 * event with 5,000 listings. Every read
 * the pages make is answered from an index, never by reading a whole table.
 */
describe('the catalogue at scale', () => {
  let tickets: TicketsHarness
  const bigEvent = randomUUID()
  beforeAll(async () => {
    tickets = await startTickets()
    await sql`
      insert into events (id, name, performer, venue, city, starts_at, timezone, category, status)
      select gen_random_uuid(), 'Event ' || n, 'Performer ' || (n % 500), 'Venue ' || (n % 300),
             (array['London', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Tokyo', 'New York', 'Sydney'])[n % 8 + 1],
             now() + (n || ' hours')::interval, 'UTC',
             (array['concert', 'sports', 'theatre', 'comedy', 'festival', 'other'])[n % 6 + 1],
             case when n % 50 = 0 then 'cancelled' else 'scheduled' end
      from generate_series(1, 10000) as n`.execute(tickets.db)
    await sql`
      insert into events (id, name, venue, city, starts_at, timezone, category)
      values (${bigEvent}, 'The big one', 'Stadium', 'London', now() + interval '30 days', 'UTC', 'sports')`.execute(
      tickets.db,
    )
    await sql`
      insert into tickets (id, title, price, buyer_fee, seller_fee, currency, user_id, event_id, section)
      select gen_random_uuid(), 'The big one', 1000 + (n * 7919) % 90000, 100, 50, 'USD', gen_random_uuid(),
             ${bigEvent}, 'Block ' || (n % 40)
      from generate_series(1, 5000) as n`.execute(tickets.db)
    // And the rest of the marketplace: a few listings for each of 5,000 events, sold ones among them.
    await sql`
      insert into tickets (id, title, price, buyer_fee, seller_fee, currency, user_id, event_id, order_id)
      select gen_random_uuid(), e.name, 500 + (n * 31) % 20000, 50, 25, 'USD', gen_random_uuid(), e.id,
             case when n % 5 = 0 then gen_random_uuid() end
      from (select id, name, row_number() over (order by id) as position from events limit 5000) as e,
           generate_series(1, 4) as n`.execute(tickets.db)
    await sql`analyze events`.execute(tickets.db)
    // As autovacuum leaves a table after a bulk load: counted from the index alone, a page of events needs
    // the visibility map, without which the planner rightly reads this small a table whole.
    await sql`vacuum analyze tickets`.execute(tickets.db)
  })
  afterAll(() => tickets.close())

  async function plan(query: { compile(): CompiledQuery }): Promise<PlanNode[]> {
    const compiled = query.compile()
    const result = await tickets.db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
    )
    return nodesOf(result.rows[0]!['QUERY PLAN'][0].Plan)
  }

  const seqScans = (nodes: PlanNode[]) =>
    nodes.filter((node) => node['Node Type'] === 'Seq Scan').map((node) => node['Relation Name'])

  it.each([
    ['the first page', {}],
    ['one city', { city: 'Paris' }],
    ['a search', { q: 'performer 42' }],
    ['a category and days', { category: 'comedy', from: '2030-01-01', to: '2030-02-01' }],
  ])('GET /api/events: %s from an index', async (_what, filter) => {
    const nodes = await plan(upcomingEventsQuery(tickets.db, filter, { size: 50 }))
    expect(seqScans(nodes)).toEqual([])
  })

  it('the listings of a page of events, counted from the index on (event_id, price)', async () => {
    const page = await upcomingEventsQuery(tickets.db, {}, { size: 50 }).execute()
    const nodes = await plan(listingFiguresQuery(tickets.db, [...page.map((event) => event.id), bigEvent]))
    expect(seqScans(nodes)).toEqual([])
    expect(nodes.map((node) => node['Index Name'])).toContain('tickets_on_sale_by_event')
  })

  it.each([
    ['cheapest first', {}],
    ['under a price', { maxPrice: 5000 }],
    ['in one section', { section: 'Block 7' }],
  ])('GET /api/events/:id/tickets with 5,000 listings: %s from an index', async (_what, filter) => {
    const nodes = await plan(eventTicketsQuery(tickets.db, bigEvent, filter, { size: 50 }))
    expect(seqScans(nodes)).toEqual([])
    expect(nodes.map((node) => node['Index Name'])).toContain('tickets_on_sale_by_event')
  })

  it('answers the pages themselves', async () => {
    const events = await tickets.app.inject({ url: '/api/events?city=London&limit=10' })
    expect(events.json()).toHaveLength(10)
    const big = await tickets.app.inject({ url: `/api/events/${bigEvent}` })
    expect(big.json().listings.count).toBe(5000)
    const cheapest = await tickets.app.inject({ url: `/api/events/${bigEvent}/tickets?limit=3` })
    const prices = cheapest.json<{ buyerTotal: number }[]>().map((ticket) => ticket.buyerTotal)
    expect(prices).toEqual([...prices].sort((a, b) => a - b))
    expect(prices[0]).toBe(big.json().listings.lowestPrice)
  })
})
