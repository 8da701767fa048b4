import { randomUUID } from 'node:crypto'
import {
  createDb,
  durableName,
  handlerName,
  newEvent,
  publishEvent,
  streamOf,
  toMinorUnits,
  type AnyCloudEvent,
  type CloudEvent,
  type EventData,
  type EventType,
} from '@ticketing/common'
import { createTestDatabase, outboxEvents, testBuses, testSessions } from '@ticketing/testing'
import { expect, vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { migrationsFolder } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import type { Ticket } from '../src/tickets/ticket.schemas.js'
import { startWorkers } from '../src/workers.js'
import { feeOn } from '../src/fees/fees.js'

/** Listener outcomes arrive within milliseconds; a retried one may wait out a few backoff steps. */
const EVENTUALLY = { timeout: 15_000, interval: 20 }

/**
 * The tickets service in-process with its outbox relay and listeners, a database and events namespace of its
 * own, and a key pair to sign session cookies with: auth is not needed to test tickets. close() releases all.
 */
export async function startTickets(env: Record<string, string> = {}) {
  const database = await createTestDatabase('tickets', { migrations: migrationsFolder })
  const buses = testBuses()
  const bus = await buses.connect('tickets')
  const orders = await buses.connect('orders') // plays the orders service: publishes its events
  const sessions = await testSessions()
  const config = readConfig({ DATABASE_URL: database.url, EVENTS_NAMESPACE: buses.namespace, ...env })
  const db = createDb<Database>(database.url, { max: 20 })
  const app = await buildApp({ config, db, bus, keys: sessions.keys, logger: false })
  startWorkers(app, { db, bus })
  await app.ready()

  /** Publishes as orders would, straight to JetStream (the event id is the Nats-Msg-Id). */
  const publish = (event: AnyCloudEvent, msgID = event.id) => publishEvent(orders, event, { msgID })

  async function ticket(id: string): Promise<Ticket> {
    const response = await app.inject({ url: `/api/tickets/${id}` })
    if (response.statusCode !== 200) throw new Error(`get failed: ${response.body}`)
    return response.json<Ticket>()
  }

  /** The data of the events of one type in the outbox, oldest first. */
  const outbox = <T extends EventType>(type: T) => outboxEvents(db, type)

  /** Waits for an asynchronous outcome (a listener's) to hold. */
  const eventually = (assertion: () => Promise<void> | void) => vi.waitFor(assertion, EVENTUALLY)

  /** Reserves the ticket the way it happens in production: orders announces an order at its price. */
  async function reserve(listed: Ticket) {
    const event = orderCreated(listed)
    await publish(event)
    await eventually(async () => expect((await ticket(listed.id)).orderId).toBe(event.data.id))
    return event.data.id
  }

  /** The JetStream state of tickets' durable consumer for one event type. */
  const consumerInfo = (type: TicketsEventType) =>
    bus.jsm.consumers.info(bus.streamName(streamOf(type)), durableName('tickets', type))

  return {
    app,
    db,
    config,
    bus,
    publish,
    ticket,
    outbox,
    eventually,
    consumerInfo,

    /** A signed-in user: their id and session cookie, as auth would have issued it. */
    user: (role?: 'user' | 'admin'): Promise<User> => sessions.user(role),

    /** auth's announcement of a member (with their email), waited for until tickets has it. */
    async announceMember(member: User, email: string, displayName = 'A member') {
      const event = newEvent(
        'user.created',
        { id: member.id, email, role: 'user', displayName, version: 0 },
        '/auth',
      )
      await publish(event)
      await eventually(async () => {
        const row = await db
          .selectFrom('user_replicas')
          .select('id')
          .where('id', '=', member.id)
          .executeTakeFirst()
        expect(row).toBeDefined()
      })
    },

    /** Lists a ticket through the API. */
    async createTicket(seller: User, input: { title?: string; price?: number } = {}): Promise<Ticket> {
      const response = await app.inject({
        method: 'POST',
        url: '/api/tickets',
        payload: { title: 'Concert', price: 19.99, ...input },
        cookies: seller.cookies,
      })
      if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`)
      return response.json<Ticket>()
    },

    /** The same event delivered a second time: stored again by JetStream, so only processed_events stops it. */
    async redeliver(event: AnyCloudEvent) {
      await publish(event, `${event.id}-again`)
    },

    /** Resolves once tickets' listener has applied (and committed) the event. */
    async handled(event: AnyCloudEvent) {
      const consumer = handlerName('tickets', event.type)
      await eventually(async () => {
        const row = await db
          .selectFrom('processed_events')
          .select('event_id')
          .where('consumer', '=', consumer)
          .where('event_id', '=', event.id)
          .executeTakeFirst()
        expect(row, `${event.type} ${event.id} not handled yet`).toBeDefined()
      })
    },

    /**
     * Resolves once every message of the type published so far has been handled and acknowledged: after it,
     * a duplicate that changed nothing has really been tried.
     */
    async settled(type: TicketsEventType) {
      await eventually(async () => {
        const consumer = await consumerInfo(type)
        expect(consumer.num_pending + consumer.num_ack_pending, `${type} messages in flight`).toBe(0)
      })
    },

    /** The ticket.updated events announced for one ticket, oldest first. */
    async updatesOf(ticketId: string) {
      return (await outbox('ticket.updated')).filter((data) => data.id === ticketId)
    },

    reserve,

    /** Reserves the ticket and completes its order, as orders does once it is paid: the ticket is sold. */
    async sell(listed: Ticket, buyerId?: string) {
      const orderId = await reserve(listed)
      const completion = orderCompleted(orderId, listed.id, buyerId)
      await publish(completion)
      await eventually(async () => expect((await ticket(listed.id)).status).toBe('sold'))
      return orderId
    },

    async close() {
      await app.close()
      await buses.cleanup()
      await database.drop()
    },
  }
}

export type TicketsHarness = Awaited<ReturnType<typeof startTickets>>

/** The events tickets listens to. */
type TicketsEventType =
  'user.created' | 'user.updated' | 'order.created' | 'order.cancelled' | 'order.completed'

/** A signed-in user and the cookie that says so. */
export interface User {
  id: string
  cookies: { session: string }
}

/** orders' announcement of a new order for a ticket, at the ticket's current price unless told otherwise. */
export function orderCreated(
  ticket: Ticket,
  overrides: { id?: string; price?: number; total?: number } = {},
): CloudEvent<'order.created'> {
  const price = overrides.price ?? toMinorUnits(ticket.price, ticket.currency)
  return newEvent(
    'order.created',
    {
      id: overrides.id ?? randomUUID(),
      version: 0,
      status: 'created',
      userId: randomUUID(),
      expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
      total: overrides.total ?? price + toMinorUnits(ticket.buyerFee, ticket.currency),
      ticket: {
        id: ticket.id,
        version: ticket.version,
        price,
        currency: ticket.currency,
      },
    },
    '/orders',
  )
}

export function orderCancelled(
  orderId: string,
  ticketId: string,
  reason: EventData<'order.cancelled'>['reason'] = 'user',
): CloudEvent<'order.cancelled'> {
  return newEvent('order.cancelled', { id: orderId, version: 1, ticket: { id: ticketId }, reason }, '/orders')
}

/** orders' announcement that an order was paid and is complete. */
export function orderCompleted(
  orderId: string,
  ticketId: string,
  buyerId: string = randomUUID(),
): CloudEvent<'order.completed'> {
  return newEvent(
    'order.completed',
    { id: orderId, version: 2, userId: buyerId, ticket: { id: ticketId } },
    '/orders',
  )
}

/** The ticket as it reads once its price is `price` (major units, USD), with the default rates' fees. */
export function repriced(ticket: Ticket, price: number): Ticket {
  const cents = Math.round(price * 100)
  const buyerFee = feeOn(cents, 10)
  const sellerFee = feeOn(cents, 5)
  return {
    ...ticket,
    price,
    buyerFee: buyerFee / 100,
    buyerTotal: (cents + buyerFee) / 100,
    sellerFee: sellerFee / 100,
    sellerNet: (cents - sellerFee) / 100,
  }
}
