import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ensureTopology, EventListeners, newEvent, RetryLaterError, type Bus } from '../../src/index.js'
import { eventsHarness, publishDirect, ticketData, ticketEvent, type Database } from './helpers.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Issue 13, hole 6: a ticket's ticket.updated overtook its ticket.created when each event type had a consumer of
 * its own, and waited on nak backoff for seconds. One consumer per stream keeps each entity's events in order.
 */
describe('events of one entity', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let bus: Bus
  beforeAll(async () => {
    harness = await eventsHarness('ordering')
    bus = await harness.buses.connect('orders')
    await ensureTopology(bus)
  })
  afterAll(() => harness.cleanup())

  it('are handled in the order they were published, one at a time; different entities at once', async () => {
    const seen: string[] = []
    const active = new Set<string>()
    let mostAtOnce = 0
    const overlaps: string[] = []
    const handle = (slowMs: number) => async (event: { type: string; data: { id: string } }) => {
      const { id } = event.data
      if (active.has(id)) overlaps.push(`${event.type} ${id}`)
      active.add(id)
      mostAtOnce = Math.max(mostAtOnce, active.size)
      await pause(slowMs)
      seen.push(`${id} ${event.type}`)
      active.delete(id)
    }
    const listeners = new EventListeners<Database>({ bus, db: harness.db })
      // A create takes longer than an update: with a consumer per type, the update would finish first.
      .on('ticket.created', handle(40))
      .on('ticket.updated', handle(0))
    listeners.start()

    const tickets = Array.from({ length: 20 }, () => ticketData())
    for (const ticket of tickets) {
      await publishDirect(bus, ticketEvent('ticket.created', ticket))
      await publishDirect(bus, ticketEvent('ticket.updated', { ...ticket, version: 1, price: 2999 }))
      await publishDirect(bus, ticketEvent('ticket.updated', { ...ticket, version: 2, price: 3999 }))
    }
    await vi.waitFor(() => expect(seen).toHaveLength(60), { timeout: 15_000 })
    await listeners.stop()

    for (const ticket of tickets) {
      const order = seen.filter((line) => line.startsWith(ticket.id)).map((line) => line.split(' ')[1])
      expect(order, ticket.id).toEqual(['ticket.created', 'ticket.updated', 'ticket.updated'])
    }
    expect(overlaps).toEqual([])
    expect(mostAtOnce).toBeGreaterThan(1) // other tickets did not wait for one ticket's slow create
  })
})

/** Issue 13, hole 3: nak'd messages count against max_ack_pending, and enough of them stalled a consumer. */
describe('messages waiting on nak backoff', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let bus: Bus
  beforeAll(async () => {
    harness = await eventsHarness('nak_stall')
    bus = await harness.buses.connect('orders')
    await ensureTopology(bus)
  })
  afterAll(() => harness.cleanup())

  it('never keep the others from being delivered', async () => {
    const healthy = randomUUID()
    const handled: string[] = []
    const listeners = new EventListeners<Database>({ bus, db: harness.db, concurrency: 64 }).on(
      'expiration.completed',
      async (event) => {
        if (event.data.orderId !== healthy) throw new RetryLaterError('waits for an event that never comes')
        handled.push(event.data.orderId)
      },
    )
    // More waiting than the server once let a consumer have unacknowledged, then one that can be applied.
    const waiting = Array.from({ length: 1_100 }, () => randomUUID())
    for (let sent = 0; sent < waiting.length; sent += 100) {
      await Promise.all(
        waiting
          .slice(sent, sent + 100)
          .map((orderId) => publishDirect(bus, newEvent('expiration.completed', { orderId }, '/e'))),
      )
    }
    await publishDirect(bus, newEvent('expiration.completed', { orderId: healthy }, '/expiration'))
    listeners.start()
    try {
      await vi.waitFor(() => expect(handled).toEqual([healthy]), { timeout: 30_000, interval: 100 })
    } finally {
      await listeners.stop()
    }
  })
})
