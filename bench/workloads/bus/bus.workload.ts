import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import {
  createDb,
  EventListeners,
  inTransaction,
  OutboxRelay,
  writeEvent,
  type Bus,
  type EventData,
  type EventTables,
} from '@ticketing/common'
import { createTestDatabase, testBuses } from '@ticketing/testing'
import { StorageType } from '@nats-io/jetstream'
import type { Kysely } from 'kysely'
import type { Measurement, Workload } from '../../src/workload.js'
import { percentile } from '../../src/stats.js'

const migrations = fileURLToPath(new URL('./migrations', import.meta.url))

const ticket = (): EventData<'ticket.created'> => ({
  id: randomUUID(),
  version: 0,
  title: 'Bench concert',
  price: 4200,
  currency: 'USD',
  userId: randomUUID(),
})

/** The floor: JetStream's own publish-with-ack rate into a file-backed stream, 256 publishes in flight. */
async function rawPublish(bus: Bus, count: number) {
  const stream = `${bus.namespace.toUpperCase()}_BENCH`
  await bus.jsm.streams.add({
    name: stream,
    subjects: [`${bus.namespace}.bench.>`],
    storage: StorageType.File,
  })
  const body = JSON.stringify({ data: ticket() })
  const latencies: number[] = []
  for (let i = 0; i < 200; i++) {
    const started = performance.now()
    await bus.js.publish(`${bus.namespace}.bench.one`, body, { msgID: randomUUID() })
    latencies.push(performance.now() - started)
  }
  const started = performance.now()
  for (let sent = 0; sent < count; sent += 256) {
    await Promise.all(
      Array.from({ length: Math.min(256, count - sent) }, () =>
        bus.js.publish(`${bus.namespace}.bench.many`, body, { msgID: randomUUID() }),
      ),
    )
  }
  const rate = count / ((performance.now() - started) / 1000)
  await bus.jsm.streams.delete(stream)
  return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

/** Writes `count` events, one transaction each, `concurrency` at a time, optionally paced to `rate` per second. */
async function writeEvents(
  db: Kysely<EventTables>,
  count: number,
  options: { rate?: number; concurrency?: number },
) {
  const started = performance.now()
  let next = 0
  const writer = async () => {
    while (next < count) {
      const index = next++
      if (options.rate) {
        const due = started + (index / options.rate) * 1000
        const wait = due - performance.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      }
      await inTransaction(db, (trx) => writeEvent(trx, 'ticket.created', ticket()))
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, writer))
}

/**
 * The event pipeline end to end: events written to the outbox, published by the relay, handled by a
 * listener in its own transaction with the processed_events insert. Throughput with a full outbox, then
 * lag (outbox insert → handler commit) at half that rate.
 */
export const busWorkload: Workload = {
  name: 'bus',
  description: 'outbox → relay → JetStream → idempotent listener, vs raw JetStream publish-with-ack',
  async run({ seconds }) {
    const database = await createTestDatabase('bench_bus', { migrations })
    const db = createDb<EventTables>(database.url, { max: 30 })
    const buses = testBuses()
    try {
      const publisher = await buses.connect('tickets')
      const consumerBus = await buses.connect('orders')
      const raw = await rawPublish(publisher, 20_000)

      const lags: number[] = []
      let handled = 0
      const listeners = new EventListeners({
        bus: consumerBus,
        db,
        concurrency: 32,
        onHandled: ({ lagMs }) => {
          handled++
          lags.push(lagMs)
        },
      }).on('ticket.created', async () => {})
      const relay = new OutboxRelay({ db, bus: publisher })

      // Throughput: a full outbox drained through the whole pipeline.
      const backlog = 5_000
      await writeEvents(db, backlog, { concurrency: 16 })
      const started = performance.now()
      relay.start()
      listeners.start()
      while (handled < backlog) await new Promise((resolve) => setTimeout(resolve, 20))
      const maxRate = backlog / ((performance.now() - started) / 1000)

      // Lag at half the maximum rate, steady state.
      const rate = Math.floor(maxRate / 2)
      const paced = Math.max(1, Math.round(rate * seconds))
      lags.length = 0
      handled = 0
      await writeEvents(db, paced, { rate, concurrency: 32 })
      while (handled < paced) await new Promise((resolve) => setTimeout(resolve, 20))

      await relay.stop()
      await listeners.stop()
      const baselineName = 'raw JetStream publish+ack'
      return [
        {
          metric: 'events/s outbox → handler',
          unit: '/s',
          value: maxRate,
          baseline: raw.rate,
          baselineName,
          better: 'higher',
        },
        {
          metric: `lag p50 at ${rate}/s`,
          unit: 'ms',
          value: percentile(lags, 50),
          baseline: raw.p50,
          baselineName,
          better: 'lower',
        },
        {
          metric: `lag p99 at ${rate}/s`,
          unit: 'ms',
          value: percentile(lags, 99),
          baseline: raw.p99,
          baselineName,
          better: 'lower',
        },
      ] satisfies Measurement[]
    } finally {
      await buses.cleanup()
      await db.destroy()
      await database.drop()
    }
  },
}
