import { randomUUID } from 'node:crypto'
import { RetentionPolicy } from '@nats-io/jetstream'
import { testBuses } from '@ticketing/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { ensureTopology, newEvent } from '../../src/index.js'
import { streamUpdate, supportsSeveralFilters } from '../../src/events/topology.js'

describe('the namespace topology', () => {
  const buses = testBuses()
  afterAll(() => buses.cleanup())

  it('is made idempotently, as the contracts declare it', async () => {
    const bus = await buses.connect('tickets')
    await ensureTopology(bus)
    await Promise.all([ensureTopology(bus), ensureTopology(bus)]) // services starting together agree

    const orders = await bus.jsm.streams.info(bus.streamName('ORDERS'))
    expect(orders.config).toMatchObject({
      subjects: [`${bus.namespace}.order.>`],
      storage: 'file',
      retention: 'limits',
      discard: 'new',
    })
    expect(orders.config.duplicate_window).toBeGreaterThanOrEqual(2 * 60 * 1e9)
    const auth = await bus.jsm.streams.info(bus.streamName('AUTH'))
    expect(auth.config).toMatchObject({
      retention: 'limits',
      subjects: [`${bus.namespace}.user.>`, `${bus.namespace}.session.>`],
    })
    expect(auth.config.max_age).toBeGreaterThanOrEqual(15 * 60 * 1e9)

    const consumers: string[] = []
    for await (const consumer of bus.jsm.consumers.list(bus.streamName('ORDERS')))
      consumers.push(consumer.name)
    // One durable consumer per service and stream, filtered to the subjects the service handles.
    expect(consumers.sort()).toEqual(['expiration-orders', 'payments-orders', 'tickets-orders'])
    if (supportsSeveralFilters(bus)) {
      const tickets = await bus.jsm.consumers.info(bus.streamName('ORDERS'), 'tickets-orders')
      expect(tickets.config.filter_subjects?.sort()).toEqual(
        ['order.cancelled', 'order.completed', 'order.created'].map((type) => `${bus.namespace}.${type}`),
      )
    }
  })

  it('keeps an event for every consumer, after they acknowledged it too, and drops duplicates by id', async () => {
    const bus = await buses.connect('orders')
    const event = newEvent(
      'order.completed',
      { id: randomUUID(), version: 2, ticket: { id: randomUUID() } },
      '/orders',
    )
    const first = await bus.js.publish(bus.subject('order.completed'), JSON.stringify(event), {
      msgID: event.id,
    })
    const again = await bus.js.publish(bus.subject('order.completed'), JSON.stringify(event), {
      msgID: event.id,
    })
    expect(again).toMatchObject({ duplicate: true, seq: first.seq })

    // Nobody is consuming yet: every interested consumer (expiration, payments, tickets) still has it.
    const stream = bus.streamName('ORDERS')
    expect((await bus.jsm.streams.info(stream)).state.messages).toBe(1)
    for (const name of ['expiration-orders', 'payments-orders', 'tickets-orders']) {
      const consumer = await bus.js.consumers.get(stream, name)
      const message = await consumer.next({ expires: 2_000 })
      expect(message?.seq).toBe(first.seq)
      await message?.ackAck()
    }
    // Kept for the day: a consumer deleted and made again reads it once more (processed_events skips it).
    expect((await bus.jsm.streams.info(stream)).state.messages).toBe(1)
    await bus.jsm.consumers.delete(stream, 'tickets-orders')
    await ensureTopology(bus)
    const recreated = await bus.js.consumers.get(stream, 'tickets-orders')
    expect((await recreated.next({ expires: 2_000 }))?.seq).toBe(first.seq)
  })

  it('makes again, with limits retention, a stream an earlier version made with interest retention', async () => {
    const bus = await buses.connect('orders')
    await ensureTopology(bus)
    const name = bus.streamName('PAYMENTS')
    const { config } = await bus.jsm.streams.info(name)
    await bus.jsm.streams.delete(name)
    await bus.jsm.streams.add({ ...config, retention: RetentionPolicy.Interest, max_age: 0 })
    await ensureTopology(bus)
    expect((await bus.jsm.streams.info(name)).config.retention).toBe('limits')
  })

  it('never lowers the replicas of a stream an operator raised; raises them when configured for more', () => {
    const wanted = { name: 'NS_ORDERS', num_replicas: 1 }
    expect(streamUpdate({ num_replicas: 3 }, wanted).num_replicas).toBe(3)
    expect(streamUpdate({ num_replicas: 1 }, { ...wanted, num_replicas: 3 }).num_replicas).toBe(3)
    expect(streamUpdate({ num_replicas: 1 }, wanted).num_replicas).toBe(1)
  })

  it('creates streams with EVENTS_REPLICAS copies', async () => {
    const bus = await buses.connect('orders')
    expect(bus.replicas).toBe(1)
    expect((await bus.jsm.streams.info(bus.streamName('ORDERS'))).config.num_replicas).toBe(1)
  })
})
