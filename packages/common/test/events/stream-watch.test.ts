import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTopology, newEvent, OutboxRelay, type Bus, type EventLogger } from '../../src/index.js'
import { eventsHarness, publishDirect, ticketData } from './helpers.js'

/** DESIGN §4: a stream nearing its limit is an error in the log before it refuses publishes. */
describe('a relay watching its stream fill up', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let bus: Bus
  const errors: string[] = []
  const logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (_fields: unknown, message: string) => void errors.push(message),
  } as unknown as EventLogger

  beforeAll(async () => {
    harness = await eventsHarness('stream_watch')
    bus = await harness.buses.connect('tickets')
    await ensureTopology(bus)
  })
  afterAll(() => harness.cleanup())

  it('logs an error once when it crosses 80 % of an operator’s message limit, not at every look', async () => {
    const relay = new OutboxRelay({ db: harness.db, bus, logger })
    const name = bus.streamName('TICKETS')
    const { config } = await bus.jsm.streams.info(name)
    await bus.jsm.streams.update(name, { ...config, max_msgs: 10 })
    await relay.watchStreams()
    const nearlyFull = () => errors.filter((message) => message.includes('nearly full'))
    expect(nearlyFull()).toEqual([])

    for (let i = 0; i < 8; i++) await publishDirect(bus, newEvent('ticket.created', ticketData(), '/tickets'))
    await relay.watchStreams()
    await relay.watchStreams()
    expect(nearlyFull()).toHaveLength(1)
  })
})
