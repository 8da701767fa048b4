import { randomUUID } from 'node:crypto'
import {
  decodeEvent,
  durableName,
  newEvent,
  publishEvent,
  streamOf,
  subscriptions,
  type AnyCloudEvent,
  type EventData,
} from '@ticketing/common'
import { infrastructure, testBuses, testRedisPrefix } from '@ticketing/testing'
import { Queue } from 'bullmq'
import { vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { EXPIRE_ORDER_QUEUE, type ExpireOrderJob } from '../src/jobs/expire-order.queue.js'
import { connectRedis } from '../src/redis.js'
import { startWorkers } from '../src/workers.js'

export interface ReceivedExpiration {
  event: AnyCloudEvent
  receivedAt: number
}

/**
 * An events namespace and a Redis prefix of the test's own, with orders played by the test: it publishes
 * order events and reads expiration.completed through orders' own durable consumer. start() runs an
 * expiration instance in-process; several may run one after the other on the same Redis prefix. NATS is the
 * shared server unless a test brings its own (to stop it).
 */
export async function expirationEnvironment(options: { natsUrl?: string } = {}) {
  const buses = testBuses()
  const redisPrefix = testRedisPrefix()
  const orders = await buses.connect('orders', options.natsUrl)
  const instances: Awaited<ReturnType<typeof startInstance>>[] = []

  const received: ReceivedExpiration[] = []
  const consumer = await orders.js.consumers.get(
    orders.streamName(streamOf('expiration.completed')),
    durableName('orders', 'expiration.completed'),
  )
  const messages = await consumer.consume()
  const reading = (async () => {
    for await (const message of messages) {
      received.push({ event: decodeEvent(message.data), receivedAt: Date.now() })
      message.ack()
    }
  })()

  const inspectionRedis = connectRedis(infrastructure.redisUrl)
  const jobs = new Queue<ExpireOrderJob>(EXPIRE_ORDER_QUEUE, {
    connection: inspectionRedis,
    prefix: redisPrefix.prefix,
  })

  async function startInstance() {
    const bus = await buses.connect('expiration', options.natsUrl)
    const redis = connectRedis(infrastructure.redisUrl)
    const config = readConfig({
      EVENTS_NAMESPACE: buses.namespace,
      REDIS_URL: infrastructure.redisUrl,
      QUEUE_PREFIX: redisPrefix.prefix,
    })
    const app = await buildApp({ config, bus, redis, logger: false })
    startWorkers(app, { config, bus, redis })
    await app.ready()
    return app
  }

  return {
    jobs,
    /** Starts an expiration instance; close it with app.close(), or leave it to cleanup(). */
    async start() {
      const app = await startInstance()
      instances.push(app)
      return app
    },
    /** Publishes as orders would, straight to JetStream. */
    async publish(event: AnyCloudEvent) {
      await publishEvent(orders, event)
    },
    /** Every expiration.completed orders received for this order. */
    expirationsOf(orderId: string) {
      return received.filter(
        ({ event }) => event.type === 'expiration.completed' && event.data.orderId === orderId,
      )
    },
    /** Waits for the order's expiration.completed, the first one orders receives. */
    async expirationOf(orderId: string, timeoutMs: number): Promise<ReceivedExpiration> {
      return vi.waitFor(
        () => {
          const [first] = this.expirationsOf(orderId)
          if (!first) throw new Error(`no expiration.completed for ${orderId}`)
          return first
        },
        { timeout: timeoutMs, interval: 20 },
      )
    },
    /** Waits until expiration has handled every order event published so far. */
    async settled() {
      await vi.waitFor(
        async () => {
          for (const type of subscriptions.expiration) {
            const info = await orders.jsm.consumers.info(
              orders.streamName(streamOf(type)),
              durableName('expiration', type),
            )
            if (info.num_pending + info.num_ack_pending > 0) throw new Error(`${type} not handled yet`)
          }
        },
        { timeout: 5_000, interval: 20 },
      )
    },
    async cleanup() {
      await Promise.all(instances.map((app) => app.close()))
      await messages.close()
      await reading
      await jobs.close()
      await inspectionRedis.quit()
      await buses.cleanup()
      await redisPrefix.clear()
    },
  }
}

export type ExpirationEnvironment = Awaited<ReturnType<typeof expirationEnvironment>>

/** order.created for a new order that expires at the given time. */
export function orderCreated(expiresAt: number) {
  const data: EventData<'order.created'> = {
    id: randomUUID(),
    version: 0,
    status: 'created',
    userId: randomUUID(),
    expiresAt: new Date(expiresAt).toISOString(),
    ticket: { id: randomUUID(), version: 1, price: 2500, currency: 'USD' },
  }
  return newEvent('order.created', data, '/orders')
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
