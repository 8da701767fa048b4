import { randomUUID } from 'node:crypto'
import {
  createDb,
  newEvent,
  publishEvent,
  type AnyCloudEvent,
  type EventType,
  type EventData,
} from '@ticketing/common'
import { createTestDatabase, outboxEvents, testBuses, testSessions } from '@ticketing/testing'
import type { Kysely } from 'kysely'
import { vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { migrationsFolder } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import type { PaymentGateway } from '../src/gateways/payment-gateway.js'
import { SandboxGateway } from '../src/gateways/sandbox-gateway.js'
import { startWorkers } from '../src/workers.js'

/**
 * The payments service in-process with its relay and listeners, the sandbox gateway, a database and events
 * namespace of its own, and a key pair to sign buyers' session cookies with (auth is not needed to test it).
 */
export async function startPayments(
  env: Record<string, string> = {},
  options: { gateway?: (db: Kysely<Database>) => PaymentGateway } = {},
) {
  const database = await createTestDatabase('payments', { migrations: migrationsFolder })
  const buses = testBuses()
  const bus = await buses.connect('payments')
  const orders = await buses.connect('orders') // plays the orders service: publishes its events
  const sessions = await testSessions()
  const config = readConfig({
    DATABASE_URL: database.url,
    EVENTS_NAMESPACE: buses.namespace,
    // The reconciler at test speed: rounds every 50 ms, a failed call tried again after a second.
    RECONCILE_INTERVAL_MS: '50',
    RECONCILE_RETRY_SECONDS: '1',
    ...env,
  })
  const db = createDb<Database>(database.url, { max: 20 })
  const sandbox = new SandboxGateway(db)
  const gateway = options.gateway?.(db) ?? sandbox
  const app = await buildApp({ config, db, bus, gateway, keys: sessions.keys, logger: false })
  const workers = startWorkers(app, { db, bus, gateway, config })
  await app.ready()

  /** Waits until the replica has the order at this version. */
  async function replicated(orderId: string, version: number) {
    await vi.waitFor(
      async () => {
        const row = await db
          .selectFrom('order_replicas')
          .select('version')
          .where('id', '=', orderId)
          .executeTakeFirst()
        if (row?.version !== version) throw new Error('not replicated yet')
      },
      { timeout: 5_000, interval: 20 },
    )
  }

  return {
    app,
    db,
    bus,
    config,
    gateway,
    workers,
    /** A signed-in buyer: their id and session cookie. */
    buyer: () => sessions.user(),
    /** Publishes as orders would, straight to JetStream. */
    async publish(event: AnyCloudEvent) {
      await publishEvent(orders, event)
    },
    /** An order as orders announces it, waited for until the replica has it. */
    async placeOrder(userId: string, overrides: Partial<EventData<'order.created'>> = {}) {
      const order: EventData<'order.created'> = {
        id: randomUUID(),
        version: 0,
        status: 'created',
        userId,
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
        ticket: { id: randomUUID(), version: 1, price: 2500, currency: 'USD' },
        ...overrides,
      }
      await publishEvent(orders, newEvent('order.created', order, '/orders'))
      await replicated(order.id, order.version)
      return order
    },
    /** orders cancelling the order (version 1), waited for until the replica has it. */
    async cancelOrder(order: EventData<'order.created'>) {
      const cancelled: EventData<'order.cancelled'> = {
        id: order.id,
        version: 1,
        ticket: { id: order.ticket.id },
        reason: 'user',
      }
      await publishEvent(orders, newEvent('order.cancelled', cancelled, '/orders'))
      await replicated(order.id, 1)
    },
    /** orders completing the order (version 1) after it accepted the payment. */
    async completeOrder(order: EventData<'order.created'>) {
      const completed: EventData<'order.completed'> = {
        id: order.id,
        version: 1,
        ticket: { id: order.ticket.id },
      }
      await publishEvent(orders, newEvent('order.completed', completed, '/orders'))
    },
    pay(orderId: unknown, token: unknown, cookies?: Record<string, string>) {
      return app.inject({ method: 'POST', url: '/api/payments', payload: { orderId, token }, cookies })
    },
    /** What the sandbox gateway holds for an order: each intent and where it stands. */
    intentsFor(orderId: string) {
      return db
        .selectFrom('sandbox_intents')
        .select(['id', 'payment_id', 'status'])
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .execute()
    },
    /** The order's payment attempts, oldest first. */
    paymentsOf(orderId: string) {
      return db
        .selectFrom('payments')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .execute()
    },
    /** Waits until the order's attempts are in these statuses (oldest first). */
    async settled(orderId: string, statuses: string[]) {
      await vi.waitFor(
        async () => {
          const rows = await db
            .selectFrom('payments')
            .select(['status', 'settle'])
            .where('order_id', '=', orderId)
            .orderBy('created_at')
            .execute()
          if (JSON.stringify(rows) !== JSON.stringify(statuses.map((status) => ({ status, settle: null })))) {
            throw new Error(`payments of ${orderId}: ${JSON.stringify(rows)}`)
          }
        },
        { timeout: 10_000, interval: 25 },
      )
    },
    outbox: <T extends EventType>(type: T) => outboxEvents(db, type),
    async close() {
      await app.close()
      await buses.cleanup()
      await database.drop()
    },
  }
}

export type PaymentsHarness = Awaited<ReturnType<typeof startPayments>>
