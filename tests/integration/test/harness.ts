import { connectRateLimitRedis, createDb, type JwtKeys } from '@ticketing/common'
import { expect, vi } from 'vitest'
import {
  createTestDatabase,
  infrastructure,
  testBuses,
  testRedisPrefix,
  testSessions,
  type TestBuses,
  type TestDatabase,
  type TestUser,
} from '@ticketing/testing'
// Tests may wire services together; the services themselves never import each other.
import { buildApp as buildExpiration } from '../../../services/expiration/src/app.js'
import { readConfig as readExpirationConfig } from '../../../services/expiration/src/config.js'
import { connectRedis } from '../../../services/expiration/src/redis.js'
import { startWorkers as startExpirationWorkers } from '../../../services/expiration/src/workers.js'
import { buildApp as buildPayments } from '../../../services/payments/src/app.js'
import { readConfig as readPaymentsConfig } from '../../../services/payments/src/config.js'
import { migrationsFolder as paymentsMigrations } from '../../../services/payments/src/db/migrate.js'
import type { Database as PaymentsDatabase } from '../../../services/payments/src/db/schema.js'
import { SandboxGateway } from '../../../services/payments/src/gateways/sandbox-gateway.js'
import { startWorkers as startPaymentsWorkers } from '../../../services/payments/src/workers.js'
import { buildApp as buildOrders } from '../../../services/orders/src/app.js'
import { readConfig as readOrdersConfig } from '../../../services/orders/src/config.js'
import { migrationsFolder as ordersMigrations } from '../../../services/orders/src/db/migrate.js'
import type { Database as OrdersDatabase } from '../../../services/orders/src/db/schema.js'
import { startWorkers as startOrdersWorkers } from '../../../services/orders/src/workers.js'
import { buildApp as buildTickets } from '../../../services/tickets/src/app.js'
import { readConfig as readTicketsConfig } from '../../../services/tickets/src/config.js'
import { migrationsFolder as ticketsMigrations } from '../../../services/tickets/src/db/migrate.js'
import type { Database as TicketsDatabase } from '../../../services/tickets/src/db/schema.js'
import { startWorkers as startTicketsWorkers } from '../../../services/tickets/src/workers.js'

/** How long a test waits for an event to reach a replica: generous, since CI runs many tests at once. */
export const REPLICATION_WAIT = { timeout: 10_000, interval: 50 }

export interface Ticket {
  id: string
  price: number
  version: number
  orderId?: string
}

export interface Order {
  id: string
  status: string
  expiresAt: string
  ticket: { id: string; price: number }
}

/**
 * tickets and orders, each with its own database, and optionally expiration with a Redis prefix of its own,
 * on one events namespace, as they run in production.
 */
export async function startMarketplace(
  ordersEnv: Record<string, string> = {},
  options: { expiration?: boolean; payments?: boolean } = {},
) {
  const buses = testBuses()
  const databases: TestDatabase[] = []
  const sessions = await testSessions()
  const keys = sessions.keys

  const ticketsDb = await createTestDatabase('it_tickets', { migrations: ticketsMigrations })
  databases.push(ticketsDb)
  const ticketsConfig = readTicketsConfig({ DATABASE_URL: ticketsDb.url, EVENTS_NAMESPACE: buses.namespace })
  const ticketsBus = await buses.connect('tickets')
  const ticketsDatabase = createDb<TicketsDatabase>(ticketsDb.url, { max: 20 })
  const tickets = await buildTickets({
    config: ticketsConfig,
    db: ticketsDatabase,
    bus: ticketsBus,
    keys,
    logger: false,
  })
  startTicketsWorkers(tickets, { db: ticketsDatabase, bus: ticketsBus })

  const ordersDb = await createTestDatabase('it_orders', { migrations: ordersMigrations })
  databases.push(ordersDb)
  const redisPrefix = testRedisPrefix()
  const ordersConfig = readOrdersConfig({
    DATABASE_URL: ordersDb.url,
    EVENTS_NAMESPACE: buses.namespace,
    SWEEP_INTERVAL_SECONDS: '0.2',
    REDIS_URL: infrastructure.redisUrl,
    RATE_LIMIT_PREFIX: redisPrefix.prefix,
    // These flows retry a reservation until the replica has the ticket; the limits are tested elsewhere.
    ORDER_RATE_LIMIT_PER_MINUTE: '100000',
    ...ordersEnv,
  })
  const ordersBus = await buses.connect('orders')
  const ordersDatabase = createDb<OrdersDatabase>(ordersDb.url, { max: 20 })
  const orders = await buildOrders({
    config: ordersConfig,
    db: ordersDatabase,
    bus: ordersBus,
    keys,
    redis: connectRateLimitRedis(ordersConfig.REDIS_URL),
    logger: false,
  })
  startOrdersWorkers(orders, { config: ordersConfig, db: ordersDatabase, bus: ordersBus })

  const expiration = options.expiration ? await startExpiration(buses, redisPrefix.prefix) : undefined
  const payments = options.payments ? await startPayments(buses, keys, databases) : undefined

  await Promise.all([tickets.ready(), orders.ready(), expiration?.ready(), payments?.app.ready()])
  return {
    tickets,
    orders,
    ordersDatabase,
    expiration,
    payments,
    user: () => sessions.user(),
    /** A seller lists a ticket through tickets' API. */
    async listTicket(seller: TestUser, price = 5): Promise<Ticket> {
      const response = await tickets.inject({
        method: 'POST',
        url: '/api/tickets',
        payload: { title: 'Gig', price },
        cookies: seller.cookies,
      })
      if (response.statusCode !== 201) throw new Error(`listing failed: ${response.body}`)
      return response.json<Ticket>()
    },
    /** A buyer orders it, retrying while orders has not yet heard of the ticket (404 until ticket.created). */
    /** Places the order once orders' replica has the ticket (vi.waitFor's own 1 s is short for a busy machine). */
    async orderWhenListed(ticketId: string, buyer: TestUser): Promise<Order> {
      let placed: Order | undefined
      await vi.waitFor(async () => {
        const response = await orders.inject({
          method: 'POST',
          url: '/api/orders',
          payload: { ticketId },
          cookies: buyer.cookies,
        })
        expect(response.statusCode).toBe(201)
        placed = response.json<Order>()
      }, REPLICATION_WAIT)
      return placed!
    },
    async close() {
      await Promise.all([tickets.close(), orders.close(), expiration?.close(), payments?.app.close()])
      await buses.cleanup()
      await redisPrefix.clear()
      await Promise.all(databases.map((database) => database.drop()))
    },
  }
}

export type Marketplace = Awaited<ReturnType<typeof startMarketplace>>

async function startExpiration(buses: TestBuses, prefix: string) {
  const config = readExpirationConfig({ EVENTS_NAMESPACE: buses.namespace, QUEUE_PREFIX: prefix })
  const bus = await buses.connect('expiration')
  const redis = connectRedis(infrastructure.redisUrl)
  const app = await buildExpiration({ config, bus, redis, logger: false })
  startExpirationWorkers(app, { config, bus, redis })
  return app
}

async function startPayments(buses: TestBuses, keys: JwtKeys, databases: TestDatabase[]) {
  const database = await createTestDatabase('it_payments', { migrations: paymentsMigrations })
  databases.push(database)
  const config = readPaymentsConfig({
    DATABASE_URL: database.url,
    EVENTS_NAMESPACE: buses.namespace,
    RECONCILE_INTERVAL_MS: '100',
  })
  const bus = await buses.connect('payments')
  const db = createDb<PaymentsDatabase>(database.url, { max: 20 })
  const gateway = new SandboxGateway(db)
  const app = await buildPayments({ config, db, bus, keys, gateway, logger: false })
  startPaymentsWorkers(app, { db, bus, gateway, config })
  return { app, db }
}
