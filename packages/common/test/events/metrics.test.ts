import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  buildService,
  createDb,
  EventListeners,
  inTransaction,
  newEvent,
  OutboxRelay,
  serveMetrics,
  startWorker,
  statementsSent,
  writeEvent,
  type Bus,
  type MetricsServer,
  type ServiceInstance,
} from '../../src/index.js'
import { eventsHarness, publishDirect, ticketData } from './helpers.js'

/**
 * A metric's sample in Prometheus' text format, `name{labels} value`, whose labels include the given ones (the
 * registry adds `service` to every series).
 */
function sample(text: string, name: string, labels = ''): number | undefined {
  const wanted = labels
    .replace(/^\{|\}$/g, '')
    .split(/,(?=\w+=)/)
    .filter(Boolean)
  const line = text.split('\n').find((candidate) => {
    const match = /^([\w:]+)(?:\{(.*)\})? /.exec(candidate)
    if (match?.[1] !== name) return false
    const has = (match[2] ?? '').split(/,(?=\w+=)/)
    return wanted.every((label) => has.includes(label))
  })
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

describe('the metrics of a service', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let ordersBus: Bus
  let ticketsBus: Bus
  let orders: ServiceInstance
  let tickets: ServiceInstance
  let ordersMetrics: MetricsServer
  let ticketsMetrics: MetricsServer

  beforeAll(async () => {
    harness = await eventsHarness('metrics')
    ordersBus = await harness.buses.connect('orders')
    ticketsBus = await harness.buses.connect('tickets')
    // Two apps in one process, as the integration tests build them: each counts only its own work.
    orders = buildService({ name: 'orders', logger: false })
    tickets = buildService({ name: 'tickets', logger: false })
    tickets.get('/api/tickets/:id', async (request) => ({ id: (request.params as { id: string }).id }))
    await Promise.all([orders.ready(), tickets.ready()])
    startWorker(
      orders,
      'listeners',
      new EventListeners({ bus: ordersBus, db: harness.db, retryBudget: 2 })
        .on('ticket.created', async () => {})
        .on('expiration.completed', async () => {
          throw new Error('never heals')
        }),
    )
    startWorker(
      tickets,
      'outbox-relay',
      new OutboxRelay({ db: harness.db, bus: ticketsBus, pollIntervalMs: 60_000 }),
    )
    ordersMetrics = await serveMetrics(orders.metrics, { port: 0, host: '127.0.0.1' })
    ticketsMetrics = await serveMetrics(tickets.metrics, { port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await Promise.all([orders.close(), tickets.close(), ordersMetrics.close(), ticketsMetrics.close()])
    await harness.cleanup()
  })

  const scrape = async (server: MetricsServer) => {
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/plain')
    return response.text()
  }

  it('counts handler outcomes, handler lag and published outbox rows, per app', async () => {
    await inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData()))
    await publishDirect(ordersBus, newEvent('expiration.completed', { orderId: randomUUID() }, '/expiration'))

    await vi.waitFor(
      async () => {
        const text = await scrape(ordersMetrics)
        expect(
          sample(
            text,
            'events_handler_outcomes_total',
            '{consumer="orders-tickets",type="ticket.created",outcome="ack"}',
          ),
        ).toBe(1)
        // Failed twice: nak'd, redelivered, then dead-lettered (the budget is two deliveries).
        for (const outcome of ['nak', 'dead_letter']) {
          expect(
            sample(
              text,
              'events_handler_outcomes_total',
              `{consumer="orders-expiration",type="expiration.completed",outcome="${outcome}"}`,
            ),
          ).toBe(1)
        }
        expect(sample(text, 'events_redeliveries_total', '{consumer="orders-expiration"}')).toBe(1)
        expect(sample(text, 'event_handler_lag_seconds_count', '{consumer="orders-tickets"}')).toBe(1)
      },
      { timeout: 10_000, interval: 100 },
    )
    await vi.waitFor(
      async () => expect(sample(await scrape(ticketsMetrics), 'outbox_events_published_total')).toBe(1),
      { timeout: 10_000, interval: 100 },
    )
    // Each app its own registry: tickets handled nothing, orders published nothing.
    expect(await scrape(ticketsMetrics)).not.toContain('consumer="orders-tickets"')
    expect(sample(await scrape(ordersMetrics), 'outbox_events_published_total')).toBe(0)
  })

  it('counts the statements each pool sends, begin and commit included', async () => {
    const requests = createDb(harness.url, { max: 2 })
    const workers = createDb(harness.url, { max: 2 })
    try {
      const service = buildService({ name: 'payments', logger: false })
      service.metrics.watchStatements({
        requests: () => statementsSent(requests),
        workers: () => statementsSent(workers),
      })
      const metrics = await serveMetrics(service.metrics, { port: 0, host: '127.0.0.1' })
      try {
        await inTransaction(requests, async (trx) => {
          await sql`select 1`.execute(trx)
          await sql`select 2`.execute(trx)
        })
        await sql`select 3`.execute(workers)
        const text = await scrape(metrics)
        expect(sample(text, 'db_statements_total', '{pool="requests"}')).toBe(4) // begin, two selects, commit
        expect(sample(text, 'db_statements_total', '{pool="workers"}')).toBe(1)
      } finally {
        await Promise.all([metrics.close(), service.close()])
      }
    } finally {
      await Promise.all([requests.destroy(), workers.destroy()])
    }
  })

  it('reads the consumers from JetStream and the outbox backlog from the database at each scrape', async () => {
    const text = await scrape(ordersMetrics)
    for (const name of [
      'events_consumer_pending_messages',
      'events_consumer_ack_pending_messages',
      'events_consumer_redelivered_messages',
    ]) {
      expect(sample(text, name, '{consumer="orders-tickets"}')).toBe(0)
      expect(sample(text, name, '{consumer="orders-expiration"}')).toBe(0)
    }

    // The relay polls once a minute: a row written by another process waits, and the backlog shows it.
    await harness.db
      .insertInto('outbox')
      .values({
        id: randomUUID(),
        type: 'ticket.created',
        data: JSON.stringify(ticketData()),
        occurred_at: new Date(Date.now() - 5_000),
      })
      .execute()
    const backlog = await scrape(ticketsMetrics)
    expect(sample(backlog, 'outbox_pending_events')).toBe(1)
    expect(sample(backlog, 'outbox_oldest_pending_age_seconds')).toBeGreaterThan(0)
  })

  it('times requests by route pattern and status, never by the raw URL', async () => {
    const id = randomUUID()
    await tickets.inject({ url: `/api/tickets/${id}` })
    await tickets.inject({ url: `/nowhere/${id}` })
    const text = await scrape(ticketsMetrics)
    expect(
      sample(
        text,
        'http_request_duration_seconds_count',
        '{method="GET",route="/api/tickets/:id",status_code="200"}',
      ),
    ).toBe(1)
    expect(
      sample(
        text,
        'http_request_duration_seconds_count',
        '{method="GET",route="unmatched",status_code="404"}',
      ),
    ).toBe(1)
    expect(text).not.toContain(id)
  })

  it('serves only GET /metrics on its port, and the API port does not serve it', async () => {
    const base = `http://127.0.0.1:${ticketsMetrics.port}`
    expect((await fetch(`${base}/healthz`)).status).toBe(404)
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405)
    expect((await tickets.inject({ url: '/metrics' })).statusCode).toBe(404)
  })
})
