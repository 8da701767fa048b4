import { ApiClient } from '@ticketing/stack'
import pg from 'pg'
import type { Measurement, Workload } from '../../src/workload.js'
import { npmStart } from '../stack/npm-start.js'
import { expectAll, load, type LoadResult } from '../stack/traffic.js'

const EVENTS = 10_000
const LISTINGS = 5_000
const CONNECTIONS = 50
const PASSWORD = 'correct horse battery staple'
const ADMIN = 'bench-admin@example.com'

/**
 * The catalogue at a real marketplace's size, through the gateway of `npm start` (built): 10,000 upcoming
 * events and one event with 5,000 listings. Its reads (the events' first page, one city's, an event's tickets
 * cheapest first) beside the single-ticket read in the same run, the read every other figure is measured by.
 */
export const catalogueWorkload: Workload = {
  name: 'catalogue',
  description: 'GET /api/events and /api/events/:id/tickets at 10,000 events, vs GET /api/tickets/:id',
  async run({ seconds }) {
    const log = (text: string) =>
      process.stderr.write(`  catalogue ${new Date().toISOString().slice(11, 19)}: ${text}\n`)
    log('npm start')
    const stack = await npmStart({ ADMIN_EMAILS: ADMIN })
    const ticketsDb = new pg.Pool({ connectionString: stack.databaseUrls.tickets, max: 2 })
    try {
      const admin = await signUp(stack.url, ADMIN)
      const seller = await signUp(stack.url, `seller-${stack.namespace}@example.com`)
      const big = await admin.post<{ id: string }>('/api/events', {
        name: 'The big one',
        venue: 'Stadium',
        city: 'London',
        timezone: 'Europe/London',
        category: 'sports',
        startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      })
      if (big.status !== 201) throw new Error(`event answered ${big.status}`)

      log(
        `${(EVENTS - 1).toLocaleString('en-US')} more events (SQL), ${LISTINGS.toLocaleString('en-US')} listings of one (API)`,
      )
      // The catalogue's other events straight into tickets' database: the figure is reading them, not adding.
      await ticketsDb.query(
        `insert into events (id, name, performer, venue, city, starts_at, timezone, category)
         select gen_random_uuid(), 'Event ' || n, 'Performer ' || (n % 500), 'Venue ' || (n % 300),
                (array['London', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Tokyo', 'New York', 'Sydney'])[n % 8 + 1],
                now() + (n || ' hours')::interval, 'UTC',
                (array['concert', 'sports', 'theatre', 'comedy', 'festival', 'other'])[n % 6 + 1]
         from generate_series(1, $1::int) as n`,
        [EVENTS - 1],
      )
      const ids = await listForEvent(stack.url, `session=${seller.cookie('session')}`, big.body.id, LISTINGS)
      await ticketsDb.query('analyze events')
      await ticketsDb.query('analyze tickets')

      const read = (path: string | (() => string)) =>
        load(stack.url, {
          connections: CONNECTIONS,
          seconds,
          warmUp: true,
          next: () => ({ path: typeof path === 'string' ? path : path() }),
        })
      log('GET /api/tickets/:id')
      const byId = await read(() => `/api/tickets/${ids[Math.floor(Math.random() * ids.length)]}`)
      expectAll('GET /api/tickets/:id', byId, 200)
      log('GET /api/events')
      const firstPage = await read('/api/events')
      expectAll('GET /api/events', firstPage, 200)
      log('GET /api/events?city=')
      const city = await read('/api/events?city=paris&category=comedy')
      expectAll('GET /api/events?city=', city, 200)
      log('GET /api/events/:id/tickets')
      const eventTickets = await read(`/api/events/${big.body.id}/tickets`)
      expectAll('GET /api/events/:id/tickets', eventTickets, 200)

      printTable(byId, [
        ['GET /api/events (50 soonest of 10,000)', firstPage],
        ['GET /api/events?city=paris&category=comedy', city],
        ['GET /api/events/:id/tickets (50 cheapest of 5,000)', eventTickets],
      ])
      const beside = (metric: string, result: LoadResult): Measurement => ({
        metric,
        unit: 'req/s',
        value: result.perSecond,
        baseline: byId.perSecond,
        baselineName: 'GET /api/tickets/:id via gateway, same run',
        better: 'higher',
      })
      return [
        beside('GET /api/events req/s via gateway', firstPage),
        beside('GET /api/events?city&category req/s via gateway', city),
        beside('GET /api/events/:id/tickets req/s via gateway', eventTickets),
      ]
    } finally {
      await ticketsDb.end()
      await stack.stop()
    }
  },
}

function printTable(byId: LoadResult, rows: [string, LoadResult][]) {
  const line = (name: string, result: LoadResult) =>
    `| ${name} | ${Math.round(result.perSecond).toLocaleString('en-US')} req/s | p99 ${result.latencyP99Ms.toFixed(0)} ms | ${(result.perSecond / byId.perSecond).toFixed(2)} |`
  process.stdout.write(
    [
      '',
      '| read, 50 connections, through the gateway | throughput | latency | vs a ticket by id |',
      '|---|---|---|---|',
      line('GET /api/tickets/:id (the baseline)', byId),
      ...rows.map(([name, result]) => line(name, result)),
      '',
    ].join('\n'),
  )
}

async function signUp(url: string, email: string): Promise<ApiClient> {
  const client = new ApiClient(url)
  const response = await client.post('/api/users/signup', { email, password: PASSWORD })
  if (response.status !== 201) throw new Error(`sign-up answered ${response.status}`)
  return client
}

/** Lists `count` tickets of one event through the gateway, 32 at a time, at varied prices and sections. */
async function listForEvent(url: string, cookie: string, eventId: string, count: number): Promise<string[]> {
  const ids: string[] = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const n = next++
      const response = await fetch(`${url}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url, cookie },
        body: JSON.stringify({ eventId, price: 20 + ((n * 7919) % 900), section: `Block ${n % 40}` }),
      })
      if (response.status !== 201) throw new Error(`listing answered ${response.status}`)
      ids[n] = ((await response.json()) as { id: string }).id
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  return ids
}
