import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import {
  createTestDatabase,
  startNatsServer,
  testNamespace,
  type PrivateNatsServer,
} from '@ticketing/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  busPermissions,
  connectBus,
  createDb,
  ensureTopology,
  EventListeners,
  inTransaction,
  natsAuthorizationBlock,
  newEvent,
  OutboxRelay,
  publishEvent,
  ReplaySubscriber,
  serviceNames,
  subscriptions,
  writeEvent,
  type AnyCloudEvent,
  type Bus,
  type EventData,
  type EventTables,
  type EventType,
  type ServiceName,
} from '../../src/index.js'
import { ticketData } from './helpers.js'

const migrations = fileURLToPath(new URL('../fixtures/migrations/events', import.meta.url))
const password = (service: ServiceName) => `password-of-${service}`

/** One event of each publisher's, valid for its schema. */
function sampleOf(service: Exclude<ServiceName, never>): { type: EventType; data: EventData<EventType> } {
  const orderId = randomUUID()
  switch (service) {
    case 'auth':
      return { type: 'user.banned', data: { userId: randomUUID(), at: new Date().toISOString() } }
    case 'tickets':
      return { type: 'ticket.created', data: ticketData() }
    case 'orders':
      return {
        type: 'order.created',
        data: {
          id: orderId,
          version: 0,
          status: 'created',
          userId: randomUUID(),
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
          ticket: { id: randomUUID(), version: 0, price: 1999, currency: 'USD' },
        },
      }
    case 'expiration':
      return { type: 'expiration.completed', data: { orderId } }
    case 'payments':
      return {
        type: 'payment.created',
        data: { id: randomUUID(), orderId, amount: 1999, currency: 'USD', gatewayChargeId: 'ch_1' },
      }
  }
}

describe('per-service credentials on the bus', () => {
  const namespace = testNamespace()
  let nats: PrivateNatsServer
  const buses: Bus[] = []
  const stops: { stop(): Promise<void> }[] = []

  beforeAll(async () => {
    nats = await startNatsServer({
      config: natsAuthorizationBlock([
        ...serviceNames.map((service) => ({
          user: service,
          password: { value: password(service) },
          permissions: busPermissions(service, namespace),
        })),
      ]),
    })
  })
  afterAll(async () => {
    await Promise.all(stops.map((part) => part.stop()))
    await Promise.all(buses.map((bus) => bus.close()))
    await nats?.remove()
  })

  /** What the server refused each connection, as it reports it: an error on the connection's status. */
  const refused = new Map<Bus, string[]>()
  const connectAs = async (service: ServiceName) => {
    const bus = await connectBus({
      url: nats.url,
      namespace,
      service,
      user: service,
      password: password(service),
    })
    buses.push(bus)
    const seen: string[] = []
    refused.set(bus, seen)
    void (async () => {
      for await (const status of bus.connection.status()) {
        if (status.type === 'error') seen.push(String(status.error))
      }
    })()
    return bus
  }

  it('refuses a connection without credentials or with a wrong password', async () => {
    await expect(connectBus({ url: nats.url, namespace, service: 'orders' })).rejects.toThrow(/auth/i)
    await expect(
      connectBus({ url: nats.url, namespace, service: 'orders', user: 'orders', password: 'wrong' }),
    ).rejects.toThrow(/auth/i)
  })

  it('lets orders publish its own events through JetStream and refuses it ticket.* subjects', async () => {
    const orders = await connectAs('orders')
    await ensureTopology(orders)
    const { type, data } = sampleOf('orders')
    await publishEvent(orders, newEvent(type, data, '/orders'))

    const forged = newEvent('ticket.created', ticketData(), '/orders')
    await expect(publishEvent(orders, forged, { timeout: 2_000 })).rejects.toThrow(/permission/i)
    expect(orders.connection.isClosed()).toBe(false)
    await vi.waitFor(() => expect(refused.get(orders)!.join()).toMatch(/permission/i))
    // Nor may it empty a stream, or reach beyond the namespace.
    await expect(orders.jsm.streams.purge(orders.streamName('TICKETS'))).rejects.toThrow()
    await expect(orders.jsm.streams.info('OTHER_ORDERS')).rejects.toThrow()
  })

  it('refuses tickets order.* subjects, and every service the others’ events', async () => {
    const tickets = await connectAs('tickets')
    await ensureTopology(tickets)
    await expect(
      publishEvent(
        tickets,
        newEvent(
          'order.cancelled',
          { id: randomUUID(), version: 1, ticket: { id: randomUUID() }, reason: 'user' },
          '/tickets',
        ),
        { timeout: 2_000 },
      ),
    ).rejects.toThrow(/permission/i)
    // A plain publish (no JetStream ack asked) is refused by the server too: the violation comes as a status.
    for (const service of serviceNames) {
      const own = busPermissions(service, namespace).publish
      for (const other of serviceNames.filter((name) => name !== service)) {
        const { type } = sampleOf(other)
        expect(own).not.toContain(`${namespace}.${type}`)
      }
    }
  })

  it('lets every service run its real work: topology, outbox relay, durable listeners, acks and the revocation replay', async () => {
    const handled = new Map<ServiceName, { id: string }[]>()
    const replayed = new Map<ServiceName, AnyCloudEvent[]>()
    const published = new Map<ServiceName, string>()

    for (const service of serviceNames) {
      const bus = await connectAs(service)
      await ensureTopology(bus)

      // Its durable consumers, acking what they handle.
      const listeners = new EventListeners({ bus })
      handled.set(service, [])
      for (const type of subscriptions[service] as readonly EventType[]) {
        listeners.on(type, async (event) => void handled.get(service)!.push(event))
      }
      listeners.start()
      stops.push(listeners)

      // Its revocation list, from auth's stream.
      if (service !== 'expiration') {
        replayed.set(service, [])
        const replay = new ReplaySubscriber({
          bus,
          types: ['user.banned', 'user.unbanned', 'session.revoked'],
          since: () => new Date(Date.now() - 60_000),
          handler: (event) => void replayed.get(service)!.push(event),
        })
        replay.start()
        stops.push(replay)
        await replay.replayed
      }

      // Its events: through its outbox and relay, or (expiration) straight to JetStream.
      const { type, data } = sampleOf(service)
      if (service === 'expiration') {
        const event = newEvent(type, data, `/${service}`)
        await publishEvent(bus, event)
        published.set(service, event.id)
      } else {
        const database = await createTestDatabase(`busauth-${service}`, { migrations })
        const db = createDb<EventTables>(database.url, { max: 2 })
        stops.push({ stop: async () => (await db.destroy(), await database.drop()) })
        const relay = new OutboxRelay({ db, bus, watchIntervalMs: 100 })
        relay.start()
        stops.unshift(relay)
        published.set(service, await inTransaction(db, (trx) => writeEvent(trx, type, data)))
      }
    }

    // Every event reaches every service that subscribes to it.
    for (const [publisher, id] of published) {
      const { type } = sampleOf(publisher)
      const readers = serviceNames.filter((service) =>
        (subscriptions[service] as readonly EventType[]).includes(type),
      )
      for (const reader of readers) {
        await vi.waitFor(() => expect(handled.get(reader)!.map((event) => event.id)).toContain(id), {
          timeout: 10_000,
        })
      }
    }
    // auth's ban reached every revocation list.
    for (const [, events] of replayed) {
      await vi.waitFor(() => expect(events.map((event) => event.id)).toContain(published.get('auth')), {
        timeout: 10_000,
      })
    }
    const workers = buses.slice(-serviceNames.length)
    for (const bus of workers) {
      expect(bus.connection.isClosed()).toBe(false)
      expect({ service: bus.service, refused: refused.get(bus) }).toEqual({
        service: bus.service,
        refused: [],
      })
    }
  })
})
