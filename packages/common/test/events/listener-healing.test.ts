import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { durableName, EventListeners, newEvent, type Bus, type EventData } from '../../src/index.js'
import { eventsHarness, type Database } from './helpers.js'

/** DESIGN §1.6: a lost consumer or stream is noticed and rebuilt; no event flow stops silently. */
describe('event listeners whose consumer or stream disappears', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let bus: Bus
  let listeners: EventListeners<Database>
  const handled: string[] = []

  beforeAll(async () => {
    harness = await eventsHarness('healing')
    bus = await harness.buses.connect('orders')
    listeners = new EventListeners({ bus, db: harness.db }).on('payment.created', async (event) => {
      handled.push(event.data.id)
    })
    listeners.start()
  })
  afterAll(async () => {
    await listeners.stop()
    await harness.cleanup()
  })

  const stream = () => bus.streamName('PAYMENTS')
  const consumer = durableName('orders', 'payment.created')

  /** A payment.created, published as payments would; resolves once the listener has handled it. */
  async function flows(timeout = 10_000) {
    const payment: EventData<'payment.created'> = {
      id: randomUUID(),
      orderId: randomUUID(),
      amount: 2500,
      currency: 'USD',
      gatewayChargeId: 'ch_1',
    }
    // Until the consumer is back, an interest-retained stream keeps nothing for it: publish again meanwhile.
    await vi.waitFor(
      async () => {
        if (!handled.includes(payment.id)) {
          const event = newEvent('payment.created', payment, '/payments')
          await bus.js.publish(bus.subject(event.type), JSON.stringify(event), { msgID: event.id })
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
        expect(handled).toContain(payment.id)
      },
      { timeout, interval: 50 },
    )
  }

  it('recreates a consumer deleted under it, is not ready meanwhile, and events flow again within 10 s', async () => {
    await flows()
    await listeners.check()
    // Readiness, asked every few milliseconds from the deletion until events flow again.
    const answers: boolean[] = []
    let watching = true
    const watch = (async () => {
      while (watching) {
        answers.push(
          await listeners.check().then(
            () => true,
            () => false,
          ),
        )
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()
    await bus.jsm.consumers.delete(stream(), consumer)
    await flows(10_000)
    watching = false
    await watch
    expect(answers).toContain(false)
    expect((await bus.jsm.consumers.info(stream(), consumer)).config.durable_name).toBe(consumer)
    await listeners.check()
  })

  it('recreates a stream lost with its consumers (NATS back with an empty store), and events flow again', async () => {
    await bus.jsm.streams.delete(stream())
    await flows(10_000)
    expect((await bus.jsm.streams.info(stream())).config.name).toBe(stream())
  })

  it('is not ready once stopped', async () => {
    await listeners.stop()
    await expect(listeners.check()).rejects.toThrow(/PAYMENTS/)
  })
})

describe('a handler that keeps failing', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let listeners: EventListeners<Database>
  const handled: string[] = []

  beforeAll(async () => {
    harness = await eventsHarness('budget')
    const bus = await harness.buses.connect('orders')
    listeners = new EventListeners({ bus, db: harness.db, retryBudget: 3 }).on(
      'expiration.completed',
      async (event) => {
        if (event.data.orderId === poisoned) throw new Error('this order breaks the handler every time')
        handled.push(event.data.orderId)
      },
    )
    listeners.start()
    for (const orderId of [poisoned, healthy]) {
      const event = newEvent('expiration.completed', { orderId }, '/expiration')
      await bus.js.publish(bus.subject(event.type), JSON.stringify(event), { msgID: event.id })
    }
  })
  afterAll(async () => {
    await listeners.stop()
    await harness.cleanup()
  })

  const poisoned = randomUUID()
  const healthy = randomUUID()

  it('is dead-lettered once it outlives its retry budget, and the consumer goes on', async () => {
    await vi.waitFor(
      async () => {
        const rows = await harness.db.selectFrom('dead_letters').select(['consumer', 'error']).execute()
        expect(rows).toEqual([
          {
            consumer: 'orders-expiration',
            error: 'gave up after 3 deliveries: this order breaks the handler every time',
          },
        ])
      },
      { timeout: 10_000, interval: 50 },
    )
    expect(handled).toEqual([healthy])
    const processed = await harness.db.selectFrom('processed_events').select('event_id').execute()
    expect(processed).toHaveLength(1)
  })
})
