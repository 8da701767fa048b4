import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  buildService,
  EventListeners,
  inTransaction,
  newEvent,
  OutboxRelay,
  startWorker,
  writeEvent,
  type Bus,
  type ServiceInstance,
} from '../../src/index.js'
import { eventsHarness, publishDirect, ticketData } from './helpers.js'

/** Counts a metric's samples in Prometheus' text format: `name{labels} value`. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels} `))
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

describe('the metrics of a service', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let ordersBus: Bus
  let ticketsBus: Bus
  let orders: ServiceInstance
  let tickets: ServiceInstance

  beforeAll(async () => {
    harness = await eventsHarness('metrics')
    ordersBus = await harness.buses.connect('orders')
    ticketsBus = await harness.buses.connect('tickets')
    // Two apps in one process, as the integration tests build them: each counts only its own work.
    orders = buildService({ name: 'orders', logger: false })
    tickets = buildService({ name: 'tickets', logger: false })
    await Promise.all([orders.ready(), tickets.ready()])
    startWorker(
      orders,
      'listeners',
      new EventListeners({ bus: ordersBus, db: harness.db, retryBudget: 1 })
        .on('ticket.created', async () => {})
        .on('expiration.completed', async () => {
          throw new Error('never heals')
        }),
    )
    startWorker(tickets, 'outbox-relay', new OutboxRelay({ db: harness.db, bus: ticketsBus }))
  })
  afterAll(async () => {
    await Promise.all([orders.close(), tickets.close()])
    await harness.cleanup()
  })

  const scrape = async (app: ServiceInstance) => {
    const response = await app.inject({ method: 'GET', url: '/metrics' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/plain')
    return response.body
  }

  it('counts events handled, dead letters, handler lag and published outbox rows, per app', async () => {
    await inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData()))
    await publishDirect(ordersBus, newEvent('expiration.completed', { orderId: randomUUID() }, '/expiration'))

    await vi.waitFor(
      async () => {
        const text = await scrape(orders)
        expect(
          sample(text, 'events_handled_total', '{consumer="orders-tickets",type="ticket.created"}'),
        ).toBe(1)
        expect(sample(text, 'events_dead_lettered_total', '{consumer="orders-expiration"}')).toBe(1)
        expect(sample(text, 'event_handler_lag_seconds_count', '{consumer="orders-tickets"}')).toBe(1)
      },
      { timeout: 10_000, interval: 100 },
    )
    expect(sample(await scrape(tickets), 'outbox_events_published_total')).toBe(1)
    // Each app its own registry: tickets handled nothing, orders published nothing.
    expect(
      sample(
        await scrape(tickets),
        'events_handled_total',
        '{consumer="orders-tickets",type="ticket.created"}',
      ),
    ).toBeUndefined()
    expect(sample(await scrape(orders), 'outbox_events_published_total')).toBe(0)
  })
})
