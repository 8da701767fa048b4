import { randomUUID } from 'node:crypto'
import {
  connectRateLimitRedis,
  createDb,
  newEvent,
  publishEvent,
  type AnyCloudEvent,
  type EventType,
  type EventData,
} from '@ticketing/common'
import {
  createTestDatabase,
  infrastructure,
  outboxEvents,
  testBuses,
  testRedisPrefix,
  testSessions,
} from '@ticketing/testing'
import { vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { migrationsFolder } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { startWorkers } from '../src/workers.js'

/**
 * The orders service in-process with its relay, listeners and sweeper, a database and events namespace of
 * its own, and a key pair to sign buyers' session cookies with (auth is not needed to test orders). The
 * workers share the request pool unless `workersPool` gives them their own, as main.ts does.
 */
export async function startOrders(
  env: Record<string, string> = {},
  pools: { requests?: number; workersPool?: boolean } = {},
) {
  const database = await createTestDatabase('orders', { migrations: migrationsFolder })
  const buses = testBuses()
  const bus = await buses.connect('orders')
  const tickets = await buses.connect('tickets') // plays the tickets service: publishes its events
  const sessions = await testSessions()
  const redisPrefix = testRedisPrefix()
  const config = readConfig({
    DATABASE_URL: database.url,
    EVENTS_NAMESPACE: buses.namespace,
    SWEEP_INTERVAL_SECONDS: '0.2',
    REDIS_URL: infrastructure.redisUrl,
    RATE_LIMIT_PREFIX: redisPrefix.prefix,
    ...env,
  })
  const db = createDb<Database>(database.url, { max: pools.requests ?? 20 })
  const workersDb = pools.workersPool ? createDb<Database>(database.url, { max: 4 }) : undefined
  const redis = connectRateLimitRedis(config.REDIS_URL)
  const app = await buildApp({ config, db, workersDb, bus, keys: sessions.keys, redis, logger: false })
  const workers = startWorkers(app, { config, db, workersDb, bus })
  await app.ready()
  const others: { close(): Promise<void> }[] = []

  return {
    app,
    db,
    databaseUrl: database.url,
    bus,
    config,
    workers,
    /** A signed-in buyer: their id and session cookie. */
    buyer: () => sessions.user(),
    /** Publishes as tickets would, straight to JetStream. */
    async publish(event: AnyCloudEvent) {
      await publishEvent(tickets, event)
    },
    /** A ticket as tickets announces it, waited for until the replica has it. */
    async listTicket(overrides: Partial<EventData<'ticket.created'>> = {}) {
      const ticket: EventData<'ticket.created'> = {
        id: randomUUID(),
        version: 0,
        title: 'Concert',
        price: 2500,
        currency: 'USD',
        userId: randomUUID(),
        ...overrides,
      }
      await publishEvent(tickets, newEvent('ticket.created', ticket, '/tickets'))
      await vi.waitFor(
        async () => {
          const row = await db
            .selectFrom('ticket_replicas')
            .select('version')
            .where('id', '=', ticket.id)
            .executeTakeFirst()
          if (row?.version !== ticket.version) throw new Error('not replicated yet')
        },
        { timeout: 5_000, interval: 20 },
      )
      return ticket
    },
    /** tickets confirming that it holds the ticket for the order, waited for until orders has it. */
    async confirmHold(order: { id: string; ticket: { id: string } }) {
      await publishEvent(
        tickets,
        newEvent(
          'ticket.reservation-confirmed',
          { ticketId: order.ticket.id, orderId: order.id },
          '/tickets',
        ),
      )
      await vi.waitFor(
        async () => {
          const row = await db
            .selectFrom('orders')
            .select('status')
            .where('id', '=', order.id)
            .executeTakeFirst()
          if (row?.status !== 'awaiting:payment') throw new Error('hold not confirmed yet')
        },
        { timeout: 5_000, interval: 20 },
      )
    },
    /**
     * A new ticket, and a new buyer's order for it through the API, its hold confirmed as tickets would
     * (`confirmed: false` leaves it `created`, as before tickets has answered).
     */
    async placeOrder({ confirmed = true } = {}) {
      const ticket = await this.listTicket()
      const buyer = await sessions.user()
      const response = await app.inject({
        method: 'POST',
        url: '/api/orders',
        payload: { ticketId: ticket.id },
        cookies: buyer.cookies,
      })
      const order = response.json<{ id: string; ticket: { id: string } }>()
      if (confirmed) await this.confirmHold(order)
      return { ticket, buyer, order }
    },
    /** The order's status and cancel reason, as stored. */
    statusOf: (id: string) =>
      db
        .selectFrom('orders')
        .select(['status', 'cancel_reason'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    outbox: (type: EventType) => outboxEvents(db, type),
    /** A second instance's routes (no workers), on the same database, namespace and Redis prefix. */
    async anotherInstance() {
      const other = await buildApp({
        config,
        db: createDb<Database>(database.url, { max: 5 }),
        bus: await buses.connect('orders'),
        keys: sessions.keys,
        redis: connectRateLimitRedis(config.REDIS_URL),
        logger: false,
      })
      await other.ready()
      others.push(other)
      return other
    },
    async close() {
      for (const other of others) await other.close()
      await app.close()
      await buses.cleanup()
      await redisPrefix.clear()
      await database.drop()
    },
  }
}

export type OrdersHarness = Awaited<ReturnType<typeof startOrders>>
