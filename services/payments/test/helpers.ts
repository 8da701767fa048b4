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
import { vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { migrationsFolder } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { SandboxGateway } from '../src/gateways/sandbox-gateway.js'
import { startWorkers } from '../src/workers.js'

/**
 * The payments service in-process with its relay and listeners, the sandbox gateway, a database and events
 * namespace of its own, and a key pair to sign buyers' session cookies with (auth is not needed to test it).
 */
export async function startPayments(env: Record<string, string> = {}) {
  const database = await createTestDatabase('payments', { migrations: migrationsFolder })
  const buses = testBuses()
  const bus = await buses.connect('payments')
  const orders = await buses.connect('orders') // plays the orders service: publishes its events
  const sessions = await testSessions()
  const config = readConfig({ DATABASE_URL: database.url, EVENTS_NAMESPACE: buses.namespace, ...env })
  const gateway = new SandboxGateway()
  const db = createDb<Database>(database.url, { max: 20 })
  const app = await buildApp({ config, db, bus, gateway, keys: sessions.keys, logger: false })
  const workers = startWorkers(app, { db, bus, gateway })
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
    pay(orderId: unknown, token: unknown, cookies?: Record<string, string>) {
      return app.inject({ method: 'POST', url: '/api/payments', payload: { orderId, token }, cookies })
    },
    /** The sandbox's charges for an order, and which of them it gave back. */
    chargesFor(orderId: string) {
      const ids = [...gateway.charges].filter(([, charge]) => charge.orderId === orderId).map(([id]) => id)
      return { made: ids, refunded: ids.filter((id) => gateway.refunds.has(id)) }
    },
    outbox: (type: EventType) => outboxEvents(db, type),
    async close() {
      await app.close()
      await buses.cleanup()
      await database.drop()
    },
  }
}

export type PaymentsHarness = Awaited<ReturnType<typeof startPayments>>
