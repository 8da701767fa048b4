import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ensureTopology, EventListeners, type Bus } from '../../src/index.js'
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
