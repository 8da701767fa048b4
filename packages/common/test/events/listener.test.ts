import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  EventListeners,
  newEvent,
  replicaDecision,
  type Bus,
  type CloudEvent,
  type EventHandler,
} from '../../src/index.js'
import { count, eventsHarness, publishDirect, ticketData, ticketEvent, type Database } from './helpers.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('event listeners', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let bus: Bus
  const started: EventListeners<Database>[] = []

  beforeAll(async () => {
    harness = await eventsHarness('listener')
    bus = await harness.buses.connect('orders')
  })
  afterAll(async () => {
    await Promise.all(started.map((listeners) => listeners.stop()))
    await harness.cleanup()
  })

  /** A fresh consumer position for each test: each uses its own event type where it can. */
  const listen = (configure: (listeners: EventListeners<Database>) => void, concurrency?: number) => {
    const listeners = new EventListeners({ bus, db: harness.db, concurrency })
    configure(listeners)
    listeners.start()
    started.push(listeners)
    return listeners
  }

  /** The replica rule as orders applies it to tickets. */
  const applied: { id: string; version: number }[] = []
  const applyTicket: EventHandler<'ticket.created' | 'ticket.updated', Database> = async (event, trx) => {
    const { id, version, title, price } = event.data
    const existing = await trx
      .selectFrom('ticket_replicas')
      .select('version')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (replicaDecision(existing?.version, version) === 'ignore') return
    await trx
      .insertInto('ticket_replicas')
      .values({ id, version, title, price })
      .onConflict((conflict) => conflict.column('id').doUpdateSet({ version, title, price }))
      .execute()
    applied.push({ id, version })
  }

  it('applies replica versions in order when they arrive out of order, and ignores old ones', async () => {
    const ticketUpdates = listen((listeners) =>
      listeners.on('ticket.created', applyTicket).on('ticket.updated', applyTicket),
    )
    const created = ticketData()
    const v1 = { ...created, version: 1, price: 2500 }
    const v2 = { ...v1, version: 2, title: 'Concert (moved)' }

    await publishDirect(bus, ticketEvent('ticket.updated', v2))
    await publishDirect(bus, ticketEvent('ticket.updated', v1))
    await pause(200)
    expect(applied.filter((entry) => entry.id === created.id)).toEqual([])
    await publishDirect(bus, ticketEvent('ticket.created', created))
    await publishDirect(bus, ticketEvent('ticket.updated', v1)) // a stale copy, ignored

    await vi.waitFor(
      () =>
        expect(applied.filter((entry) => entry.id === created.id).map((entry) => entry.version)).toEqual([
          0, 1, 2,
        ]),
      { timeout: 10_000 },
    )
    const row = await harness.db
      .selectFrom('ticket_replicas')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirst()
    expect(row).toEqual({ id: created.id, version: 2, title: 'Concert (moved)', price: 2500 })
    await ticketUpdates.stop()
  })

  it('has one effect for an event delivered twice, even outside the duplicate window', async () => {
    const effects: string[] = []
    const listeners = listen((l) => l.on('payment.created', async (event) => void effects.push(event.id)))
    const event = newEvent(
      'payment.created',
      { id: randomUUID(), orderId: randomUUID(), amount: 1999, currency: 'USD', gatewayChargeId: 'ch_1' },
      '/payments',
    )
    // No Nats-Msg-Id: JetStream stores both copies, as it would once the window has passed.
    await publishDirect(bus, event)
    await publishDirect(bus, event)
    const marker = newEvent('payment.created', { ...event.data, id: randomUUID() }, '/payments')
    await publishDirect(bus, marker)

    await vi.waitFor(() => expect(effects).toContain(marker.id), { timeout: 5_000 })
    await pause(200)
    expect(effects.filter((id) => id === event.id)).toHaveLength(1)
    await listeners.stop()
  })

  it('terminates a malformed message, records it in dead_letters, and keeps going', async () => {
    const handled: string[] = []
    const listeners = listen((l) =>
      l.on('expiration.completed', async (event) => void handled.push(event.data.orderId)),
    )
    await publishDirect(bus, { type: 'expiration.completed', raw: '{"this is": "not an event"' })
    await publishDirect(bus, {
      type: 'expiration.completed',
      raw: JSON.stringify(newEvent('expiration.completed', { orderId: randomUUID() }, '/e')).replace(
        /"orderId":"[^"]+"/,
        '"orderId":42',
      ),
    })
    const good = randomUUID()
    await publishDirect(bus, newEvent('expiration.completed', { orderId: good }, '/expiration'))

    await vi.waitFor(() => expect(handled).toEqual([good]), { timeout: 5_000 })
    const deadLetters = await harness.db
      .selectFrom('dead_letters')
      .select(['consumer', 'subject', 'error'])
      .orderBy('id')
      .execute()
    expect(deadLetters.sort((a, b) => a.error.localeCompare(b.error))).toEqual([
      {
        consumer: 'orders-expiration',
        subject: `${bus.namespace}.expiration.completed`,
        error: 'body is not JSON',
      },
      {
        consumer: 'orders-expiration',
        subject: `${bus.namespace}.expiration.completed`,
        error: expect.stringContaining('expiration.completed data: /orderId'),
      },
    ])
    // Terminated, so never redelivered.
    await pause(300)
    expect(await count(harness.db, 'dead_letters')).toBe(2)
    await listeners.stop()
  })

  it('redelivers after a transient failure and rolls the failed attempt back', async () => {
    let attempts = 0
    const listeners = listen((l) =>
      l.on('ticket.reservation-refused', async (event, trx) => {
        attempts++
        await trx
          .insertInto('ticket_replicas')
          .values({ id: event.data.ticketId, title: 'x', price: 1, version: 0 })
          .execute()
        if (attempts === 1) throw new Error('database hiccup')
      }),
    )
    const ticketId = randomUUID()
    await publishDirect(
      bus,
      newEvent(
        'ticket.reservation-refused',
        { ticketId, orderId: randomUUID(), reason: 'price_changed' },
        '/t',
      ),
    )
    await vi.waitFor(() => expect(attempts).toBe(2), { timeout: 5_000 })
    await vi.waitFor(async () =>
      expect(
        await harness.db.selectFrom('ticket_replicas').select('id').where('id', '=', ticketId).execute(),
      ).toHaveLength(1),
    )
    await listeners.stop()
  })

  it('shares one durable consumer between two instances: every event handled exactly once in all', async () => {
    const byInstance: string[][] = [[], []]
    const instances = byInstance.map((seen) =>
      listen((l) =>
        l.on('expiration.completed', async (event) => {
          await pause(2)
          seen.push(event.data.orderId)
        }),
      ),
    )
    const orderIds = Array.from({ length: 200 }, () => randomUUID())
    await Promise.all(
      orderIds.map((orderId) =>
        publishDirect(bus, newEvent('expiration.completed', { orderId }, '/expiration')),
      ),
    )
    await vi.waitFor(() => expect(byInstance.flat()).toHaveLength(200), { timeout: 10_000 })
    await pause(300)
    expect(byInstance.flat().sort()).toEqual([...orderIds].sort())
    expect(byInstance[0]!.length).toBeGreaterThan(0)
    expect(byInstance[1]!.length).toBeGreaterThan(0)
    await Promise.all(instances.map((instance) => instance.stop()))
  })

  it('runs without a database for a service that keeps no state in one, dropping what it cannot read', async () => {
    const expirationBus = await harness.buses.connect('expiration')
    const seen: string[] = []
    const stateless = new EventListeners({ bus: expirationBus }).on('order.completed', async (event) => {
      seen.push(event.data.id)
    })
    stateless.start()
    await publishDirect(bus, { type: 'order.completed', raw: 'not json' })
    const completed = newEvent(
      'order.completed',
      { id: randomUUID(), version: 1, ticket: { id: randomUUID() } },
      '/orders',
    )
    await publishDirect(bus, completed)
    await vi.waitFor(() => expect(seen).toEqual([completed.data.id]), { timeout: 5_000 })
    await stateless.stop()
  })

  it('forgets processed events after the retention, not before', async () => {
    const listeners = new EventListeners({ bus, db: harness.db, retainProcessedMs: 60_000 })
    const before = await count(harness.db, 'processed_events')
    expect(before).toBeGreaterThan(0)
    expect(await listeners.purgeProcessed()).toBe(0)
    expect(await listeners.purgeProcessed(Date.now() + 120_000)).toBe(before)
  })

  it('waits for handlers in flight when it stops', async () => {
    const events: string[] = []
    let started: (event: CloudEvent) => void
    const handlerStarted = new Promise<CloudEvent>((resolve) => (started = resolve))
    const listeners = listen((l) =>
      l.on('payment.created', async (event) => {
        started(event)
        await pause(300)
        events.push('handler finished')
      }),
    )
    const event = newEvent(
      'payment.created',
      { id: randomUUID(), orderId: randomUUID(), amount: 1, currency: 'USD', gatewayChargeId: 'ch_2' },
      '/payments',
    )
    await publishDirect(bus, event)
    await handlerStarted
    await listeners.stop()
    events.push('stopped')
    expect(events).toEqual(['handler finished', 'stopped'])
    const processed = await harness.db
      .selectFrom('processed_events')
      .select('consumer')
      .where('event_id', '=', event.id)
      .execute()
    expect(processed).toHaveLength(1)
  })

  it('stops promptly whenever it is stopped, even while its consumers are being made', async () => {
    for (const delayMs of [0, 1, 2, 5, 10, 20, 50]) {
      const listeners = new EventListeners({ bus, db: harness.db }).on(
        'payment.created',
        async () => undefined,
      )
      listeners.start()
      await pause(delayMs)
      const stopped = listeners.stop().then(() => 'stopped')
      const hung = new Promise((resolve) => setTimeout(resolve, 5_000, 'hung'))
      expect(await Promise.race([stopped, hung])).toBe('stopped')
    }
  })
})
