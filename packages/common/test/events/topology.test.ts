import { randomUUID } from 'node:crypto'
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
      retention: 'interest',
      discard: 'new',
      max_age: 0,
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

  it('keeps an event until every consumer of it has acknowledged it, and drops duplicates by id', async () => {
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
    expect((await bus.jsm.streams.info(stream)).state.messages).toBe(0)
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
