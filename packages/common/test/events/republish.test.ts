import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  durableName,
  ensureTopology,
  EventListeners,
  inTransaction,
  OutboxRelay,
  republishSince,
  writeEvent,
  type Bus,
} from '../../src/index.js'
import { eventsHarness, ticketData, type Database } from './helpers.js'

describe('republishing the outbox after the bus lost its store', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let publisher: Bus
  let consumerBus: Bus
  let relay: OutboxRelay
  const handled: string[] = []
  const listen = () =>
    new EventListeners<Database>({ bus: consumerBus, db: harness.db }).on('ticket.created', async (event) => {
      handled.push(event.id)
    })

  beforeAll(async () => {
    harness = await eventsHarness('republish')
    publisher = await harness.buses.connect('tickets')
    consumerBus = await harness.buses.connect('orders')
    relay = new OutboxRelay({ db: harness.db, bus: publisher, pollIntervalMs: 100 })
    relay.start()
  })
  afterAll(async () => {
    await relay.stop()
    await harness.cleanup()
  })

  const pending = async () => {
    const info = await consumerBus.jsm.consumers.info(
      consumerBus.streamName('TICKETS'),
      durableName('orders', 'ticket.created'),
    )
    return info.num_pending + info.num_ack_pending
  }

  it('publishes again what was published since a time, and listeners apply it once', async () => {
    const since = new Date(Date.now() - 1_000)
    const listeners = listen()
    listeners.start()
    const id = await inTransaction(harness.db, (trx) => writeEvent(trx, 'ticket.created', ticketData()))
    await vi.waitFor(() => expect(handled).toEqual([id]), { timeout: 5_000 })
    await listeners.stop()

    // The bus loses its store: the stream comes back empty.
    await publisher.jsm.streams.delete(publisher.streamName('TICKETS'))
    await ensureTopology(publisher)
    expect(await pending()).toBe(0)

    expect(await republishSince(harness.db, since)).toBe(1)
    await vi.waitFor(async () => expect(await pending()).toBe(1), { timeout: 5_000 })

    const again = listen()
    again.start()
    await vi.waitFor(async () => expect(await pending()).toBe(0), { timeout: 5_000 })
    await again.stop()
    expect(handled).toEqual([id]) // delivered twice, applied once
  })
})
