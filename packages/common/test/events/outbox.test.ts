import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { infrastructure, startNatsServer, testBuses } from '@ticketing/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  EventListeners,
  inTransaction,
  OutboxRelay,
  writeEvent,
  type Bus,
  type CloudEvent,
  type PublishedEvent,
} from '../../src/index.js'
import { count, eventsHarness, ticketData } from './helpers.js'

describe('the transactional outbox', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let publisher: Bus
  let consumerBus: Bus
  const running: { stop(): Promise<void> }[] = []
  const handled: CloudEvent<'ticket.created'>[] = []

  beforeAll(async () => {
    harness = await eventsHarness('outbox')
    publisher = await harness.buses.connect('tickets')
    consumerBus = await harness.buses.connect('orders')
    const listeners = new EventListeners({ bus: consumerBus, db: harness.db }).on(
      'ticket.created',
      async (event) => void handled.push(event),
    )
    listeners.start()
    running.push(listeners)
  })
  afterEach(async () => {
    await Promise.all(running.splice(1).map((part) => part.stop()))
  })
  afterAll(async () => {
    await Promise.all(running.map((part) => part.stop()))
    await harness.cleanup()
  })

  const relay = (options: { onPublished?: (events: PublishedEvent[]) => void } = {}) => {
    const instance = new OutboxRelay({ db: harness.db, bus: publisher, ...options })
    running.push(instance)
    return instance
  }
  const handledIds = () => handled.map((event) => event.id)

  it('publishes nothing from a rolled-back transaction, and a committed event exactly once', async () => {
    relay().start()
    const rolledBack = ticketData({ title: 'rolled back' })
    await expect(
      inTransaction(harness.db, async (trx) => {
        await writeEvent(trx, 'ticket.created', rolledBack)
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')

    const committed = ticketData({ title: 'committed' })
    const id = await inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', committed))

    await vi.waitFor(() => expect(handledIds()).toContain(id), { timeout: 5_000 })
    await new Promise((resolve) => setTimeout(resolve, 300)) // room for a wrong second delivery
    expect(handledIds().filter((handledId) => handledId === id)).toHaveLength(1)
    expect(handled.some((event) => event.data.id === rolledBack.id)).toBe(false)
    expect(handled.find((event) => event.id === id)?.data).toEqual(committed)
  })

  it('republishes after the relay is killed between publish and mark, and the event is applied once', async () => {
    const id = await inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData()))
    const killed = spawn(
      process.execPath,
      [
        '--conditions=@ticketing/source',
        '--import',
        'tsx',
        fileURLToPath(new URL('../fixtures/relay-killed-after-publish.ts', import.meta.url)),
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: harness.url,
          NATS_URL: infrastructure.natsUrl,
          EVENTS_NAMESPACE: publisher.namespace,
        },
        stdio: 'inherit',
      },
    )
    const [, signal] = (await once(killed, 'exit')) as [number | null, string | null]
    expect(signal).toBe('SIGKILL')

    // Published (the listener has it) but not marked: the kill rolled the relay's transaction back.
    await vi.waitFor(() => expect(handledIds()).toContain(id), { timeout: 5_000 })
    const row = await harness.db
      .selectFrom('outbox')
      .select('published_at')
      .where('id', '=', id)
      .executeTakeFirst()
    expect(row?.published_at).toBeNull()

    // The restarted relay publishes the row again and marks it; the listener applies it once.
    const restarted = relay()
    await vi.waitFor(async () => {
      await restarted.relayBatch() // skips the row while the server still holds the dead relay's lock
      const marked = await harness.db
        .selectFrom('outbox')
        .select('published_at')
        .where('id', '=', id)
        .executeTakeFirst()
      expect(marked?.published_at).toBeInstanceOf(Date)
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(handledIds().filter((handledId) => handledId === id)).toHaveLength(1)
    const processed = await harness.db
      .selectFrom('processed_events')
      .select('consumer')
      .where('event_id', '=', id)
      .execute()
    expect(processed).toEqual([{ consumer: 'orders-ticket-created' }])
  })

  it('shares the outbox between relay instances without publishing a row twice', async () => {
    const publishedBy: string[][] = [[], []]
    for (const list of publishedBy)
      relay({ onPublished: (events) => void list.push(...events.map((e) => e.id)) })
    const ids = await Promise.all(
      Array.from({ length: 200 }, () =>
        inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData())),
      ),
    )
    for (const instance of running.slice(1) as OutboxRelay[]) instance.start()

    await vi.waitFor(() => expect(new Set(handledIds()).size).toBeGreaterThanOrEqual(ids.length), {
      timeout: 10_000,
    })
    const all = publishedBy.flat().filter((id) => ids.includes(id))
    expect(all).toHaveLength(200)
    expect(new Set(all).size).toBe(200)
    expect(
      await harness.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute(),
    ).toEqual([])
  })
})

describe('a stream lost under a running relay', () => {
  it('is made again, and what it held is published again: a listener that lost its consumer gets it all', async () => {
    const harness = await eventsHarness('outbox_lost')
    const publisher = await harness.buses.connect('tickets')
    const consumerBus = await harness.buses.connect('orders')
    const received = new Set<string>()
    const listeners = new EventListeners({ bus: consumerBus, db: harness.db }).on(
      'ticket.created',
      async (event) => void received.add(event.id),
    )
    const relay = new OutboxRelay({ db: harness.db, bus: publisher, watchIntervalMs: 100 })
    try {
      listeners.start()
      relay.start()
      const ids = await Promise.all(
        Array.from({ length: 5 }, () =>
          inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData())),
        ),
      )
      await vi.waitFor(() => expect(received.size).toBe(5), { timeout: 10_000 })
      // The bus loses the stream (an operator's delete, a server back without its store), consumers and all.
      await publisher.jsm.streams.delete(publisher.streamName('TICKETS'))
      await vi.waitFor(
        async () => {
          const info = await publisher.jsm.streams.info(publisher.streamName('TICKETS'))
          expect(info.state.messages).toBe(5)
        },
        { timeout: 15_000, interval: 100 },
      )
      // The listener's recreated consumer read them again; processed_events kept them from applying twice.
      const later = await inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData()))
      await vi.waitFor(() => expect(received.has(later)).toBe(true), { timeout: 15_000 })
      expect([...received].sort()).toEqual([...ids, later].sort())
    } finally {
      await relay.stop()
      await listeners.stop()
      await harness.cleanup()
    }
  })
})

describe('the outbox while NATS is down', () => {
  it('keeps events until the server is back, then delivers all of them', async () => {
    const server = await startNatsServer()
    const harness = await eventsHarness('outbox_down')
    const buses = testBuses(harness.buses.namespace)
    try {
      const publisher = await buses.connect('tickets', server.url)
      const consumerBus = await buses.connect('orders', server.url)
      const received = new Set<string>()
      const listeners = new EventListeners({ bus: consumerBus, db: harness.db }).on(
        'ticket.created',
        async (event) => {
          received.add(event.id)
        },
      )
      listeners.start()
      const relay = new OutboxRelay({
        db: harness.db,
        bus: publisher,
        pollIntervalMs: 200,
      })
      relay.start()

      await server.stop()
      const ids = await Promise.all(
        Array.from({ length: 20 }, () =>
          inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData())),
        ),
      )
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(await count(harness.db, 'outbox')).toBe(20)
      const pending = await harness.db
        .selectFrom('outbox')
        .select('id')
        .where('published_at', 'is', null)
        .execute()
      expect(pending).toHaveLength(20)
      expect(received.size).toBe(0)

      await server.start()
      await vi.waitFor(() => expect(received.size).toBe(20), { timeout: 20_000, interval: 100 })
      expect([...received].sort()).toEqual([...ids].sort())

      await relay.stop()
      await listeners.stop()
    } finally {
      await buses.cleanup()
      await harness.cleanup()
      await server.remove()
    }
  })
})
