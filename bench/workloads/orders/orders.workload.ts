import { randomUUID } from 'node:crypto'
import http from 'node:http'
import autocannon from 'autocannon'
import { AccessTokenSigner, createDb, generateJwtKeyPair, loadJwtKeys } from '@ticketing/common'
import { infrastructure, nameTestDatabase, testBuses, testRedisPrefix } from '@ticketing/testing'
import { sql, type Kysely } from 'kysely'
import type { Measurement, Workload } from '../../src/workload.js'
import { startService, type ChildServer } from '../../src/child-process.js'
import { measurePgbench } from './pgbench.js'

/** Tickets reserved one by one, each exactly once. */
const TICKETS = 10_000
/** Requests in flight while reserving them, and pgbench clients on its side. */
const CONNECTIONS = 50
/** Signed-in buyers, who all try for the one hot ticket at once. */
const BUYERS = 1_000
const OUTBOX_DRAIN_TIMEOUT_MS = 120_000

/** The two tables of the orders database this workload touches directly. */
interface OrdersTables {
  ticket_replicas: { id: string }
  outbox: { published_at: Date | null }
}

/**
 * Benchmark setup, not a test: the tickets go straight into the replica the service would otherwise fill
 * from ticket.created events, in one statement, so thousands of events need not travel the bus first.
 */
async function seedTickets(db: Kysely<OrdersTables>, count: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    insert into ticket_replicas (id, title, price, currency, user_id, version)
    select gen_random_uuid(), 'Bench concert ' || n, 4200, 'USD', ${randomUUID()}, 0
    from generate_series(1, ${count}) as n
    returning id`.execute(db)
  return rows.map((row) => row.id)
}

/** `session=<token>` cookie headers of `count` distinct buyers. */
export async function sessionCookies(signer: AccessTokenSigner, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const id = randomUUID()
      const token = await signer.sign({
        userId: id,
        email: `${id}@example.com`,
        role: 'user',
        sessionId: randomUUID(),
      })
      return `session=${token}`
    }),
  )
}

/**
 * POSTs /api/orders once for each ticket, CONNECTIONS at a time, the buyers taking turns; resolves with
 * reservations per second.
 */
async function reserveEach(url: string, ticketIds: readonly string[], cookies: readonly string[]) {
  let next = 0
  const started = performance.now()
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount: ticketIds.length,
    requests: [
      {
        method: 'POST',
        path: '/api/orders',
        // Called once per request sent, so each ticket goes out exactly once.
        setupRequest(request) {
          const index = next++
          request.body = JSON.stringify({ ticketId: ticketIds[index] })
          request.headers = { 'content-type': 'application/json', cookie: cookies[index % cookies.length] }
          return request
        },
      },
    ],
  })
  const seconds = (performance.now() - started) / 1000
  const created = result.statusCodeStats?.['201']?.count ?? 0
  if (created !== ticketIds.length) {
    throw new Error(
      `${created} of ${ticketIds.length} reservations answered 201: status codes ` +
        `${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors, ${result.timeouts} timeouts`,
    )
  }
  return ticketIds.length / seconds
}

/**
 * Waits until the relay has published every order.created event of the reservations, so that it does not
 * compete with the hot-ticket round for the CPU.
 */
async function outboxDrained(db: Kysely<OrdersTables>): Promise<void> {
  const deadline = Date.now() + OUTBOX_DRAIN_TIMEOUT_MS
  for (;;) {
    const { pending } = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('pending'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow()
    if (Number(pending) === 0) return
    if (Date.now() > deadline) {
      throw new Error(`${pending} events still in the outbox after ${OUTBOX_DRAIN_TIMEOUT_MS / 1000} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** One request over `agent`; resolves with the status once the whole answer has arrived. */
function send(
  agent: http.Agent,
  url: string,
  options: { method: string; headers?: http.OutgoingHttpHeaders; body?: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { agent, method: options.method, headers: options.headers },
      (response) => {
        response.resume()
        response.once('end', () => resolve(response.statusCode!))
        response.once('error', reject)
      },
    )
    request.once('error', reject)
    request.end(options.body)
  })
}

/**
 * Every buyer POSTs the one ticket at the same moment; resolves with the milliseconds until the last of
 * them has its answer. Each buyer's connection is opened beforehand, as pgbench's are before its clock
 * starts, so the time is the service settling the race rather than the kernel accepting 1,000 connections.
 */
async function raceForOne(url: string, ticketId: string, cookies: readonly string[]): Promise<number> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: cookies.length,
    maxFreeSockets: cookies.length,
  })
  try {
    // All issued before any answer is read, so each opens a socket of its own, kept alive for the race.
    await Promise.all(cookies.map(() => send(agent, `${url}/healthz`, { method: 'GET' })))

    const body = JSON.stringify({ ticketId })
    const started = performance.now()
    const statuses = await Promise.all(
      cookies.map((cookie) =>
        send(agent, `${url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body,
        }),
      ),
    )
    const elapsedMs = performance.now() - started

    const tally = (status: number) => statuses.filter((answer) => answer === status).length
    if (tally(201) !== 1 || tally(400) !== cookies.length - 1) {
      const counts = Object.fromEntries([...new Set(statuses)].map((status) => [status, tally(status)]))
      throw new Error(
        `${cookies.length} buyers on one ticket: expected one 201 and the rest 400, got ${JSON.stringify(counts)}`,
      )
    }
    return elapsedMs
  } finally {
    agent.destroy()
  }
}

/**
 * The real orders service, in its own process, with its own database and events namespace: TICKETS
 * reservations of distinct tickets, then BUYERS buyers racing for one more.
 */
async function measureOrders() {
  // Named, not created: the service creates and migrates its database at start, as in production.
  const database = nameTestDatabase('bench_orders')
  const buses = testBuses()
  const redisPrefix = testRedisPrefix()
  let service: ChildServer | undefined
  let db: Kysely<OrdersTables> | undefined
  try {
    const { privateJwk, publicJwk } = await generateJwtKeyPair()
    service = await startService('orders', {
      DATABASE_URL: database.url,
      NATS_URL: infrastructure.natsUrl,
      EVENTS_NAMESPACE: buses.namespace,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      JWT_PUBLIC_KEYS: JSON.stringify([publicJwk]),
      REDIS_URL: infrastructure.redisUrl,
      RATE_LIMIT_PREFIX: redisPrefix.prefix,
      // Each buyer holds ten reservations at once and makes them within seconds: the limits would answer 400
      // and 429 to a benchmark of the reservation path itself.
      MAX_OPEN_ORDERS_PER_USER: '1000',
      ORDER_RATE_LIMIT_PER_MINUTE: '1000000',
    })
    db = createDb<OrdersTables>(database.url, { max: 1 })
    const [hotTicket, ...tickets] = await seedTickets(db, TICKETS + 1)
    const signer = new AccessTokenSigner(await loadJwtKeys({ privateKey: JSON.stringify(privateJwk) }))
    const cookies = await sessionCookies(signer, BUYERS)

    const reservationsPerSecond = await reserveEach(service.url, tickets, cookies)
    await outboxDrained(db)
    const hotTicketMs = await raceForOne(service.url, hotTicket!, cookies)
    return { reservationsPerSecond, hotTicketMs }
  } finally {
    await service?.stop()
    await db?.destroy()
    await buses.cleanup()
    await redisPrefix.clear()
    await database.drop()
  }
}

/**
 * What reserving a ticket costs beyond the database write at its heart: reservations through the real
 * orders service next to pgbench's single-row UPDATEs on the same PostgreSQL server, and a thousand buyers
 * settling one ticket next to a thousand UPDATEs queueing for one row.
 */
export const ordersWorkload: Workload = {
  name: 'orders',
  description:
    `POST /api/orders on the orders service: ${TICKETS.toLocaleString('en-US')} tickets, then ` +
    `${BUYERS.toLocaleString('en-US')} buyers on one, vs pgbench single-row UPDATEs`,
  async run({ seconds }) {
    // The baselines first, before the service's database and relay add work of their own to the server.
    const baseline = await measurePgbench({
      seconds,
      rows: TICKETS,
      clients: CONNECTIONS,
      hotUpdates: BUYERS,
    })
    const orders = await measureOrders()
    return [
      {
        metric: 'reservations/s over 10,000 tickets',
        unit: '/s',
        value: orders.reservationsPerSecond,
        baseline: baseline.updatesPerSecond,
        baselineName: 'pgbench single-row UPDATE',
        better: 'higher',
      },
      {
        metric: '1,000 buyers on one hot ticket',
        unit: 'ms',
        value: orders.hotTicketMs,
        baseline: baseline.hotRowMs,
        baselineName: 'pgbench 1,000 UPDATEs of one row',
        better: 'lower',
      },
    ] satisfies Measurement[]
  },
}
