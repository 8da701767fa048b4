import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { startNatsServer, type PrivateNatsServer } from '@ticketing/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { expirationEventId } from '../../src/jobs/expiration-event-id.js'
import { expiryJobId } from '../../src/jobs/expire-order.queue.js'
import { expirationEnvironment, orderCreated, sleep, type ExpirationEnvironment } from '../helpers.js'

/** How late after expiresAt an expiration.completed may arrive. */
const PUNCTUALITY_MS = 2_000

describe('expiration timers', () => {
  let env: ExpirationEnvironment
  beforeAll(async () => {
    env = await expirationEnvironment()
    await env.start()
  })
  afterAll(() => env.cleanup())

  it('publishes expiration.completed when the order expires, not before', async () => {
    const expiresAt = Date.now() + 1_500
    const created = orderCreated(expiresAt)
    await env.publish(created)

    const { event, receivedAt } = await env.expirationOf(created.data.id, 1_500 + PUNCTUALITY_MS + 1_000)
    expect(receivedAt).toBeGreaterThanOrEqual(expiresAt)
    expect(receivedAt).toBeLessThanOrEqual(expiresAt + PUNCTUALITY_MS)
    // The CloudEvent id is derived from the order, so a job that fires twice is one message.
    expect(event).toMatchObject({
      id: expirationEventId(created.data.id),
      source: '/expiration',
      data: { orderId: created.data.id },
    })
  })

  it.each([
    [
      'order.cancelled',
      (id: string) =>
        newEvent('order.cancelled', { id, version: 1, ticket: { id }, reason: 'user' }, '/orders'),
    ],
    [
      'order.completed',
      (id: string) => newEvent('order.completed', { id, version: 1, ticket: { id } }, '/orders'),
    ],
  ])('%s before expiry disarms the timer', async (_type, closed) => {
    const expiresAt = Date.now() + 1_000
    const created = orderCreated(expiresAt)
    await env.publish(created)
    await env.settled() // armed: events of different types are read by different consumers, in any order
    expect(await env.jobs.getJobState(expiryJobId(created.data.id))).toBe('delayed')

    await env.publish(closed(created.data.id))
    await env.settled()
    await sleep(expiresAt + 1_000 - Date.now())
    expect(env.expirationsOf(created.data.id)).toEqual([])
    expect(await env.jobs.getJobState(expiryJobId(created.data.id))).toBe('unknown')
  })

  it('the same order created twice is one timer and one event', async () => {
    const expiresAt = Date.now() + 1_000
    const created = orderCreated(expiresAt)
    await env.publish(created)
    // Under another event id: a duplicate JetStream cannot recognise, only the job id can.
    await env.publish({ ...created, id: randomUUID() })
    await env.settled()
    const jobs = await env.jobs.getJobs(['delayed', 'wait', 'active', 'completed'])
    expect(jobs.filter((job) => job.data.orderId === created.data.id)).toHaveLength(1)

    await env.expirationOf(created.data.id, 1_000 + PUNCTUALITY_MS + 1_000)
    await sleep(500)
    expect(env.expirationsOf(created.data.id)).toHaveLength(1)
  })
})

describe('a restarted service', () => {
  let env: ExpirationEnvironment
  beforeAll(async () => (env = await expirationEnvironment()))
  afterAll(() => env.cleanup())

  it('still fires the timers armed before it stopped, on time', async () => {
    const first = await env.start()
    const expiresAt = Date.now() + 2_000
    const created = orderCreated(expiresAt)
    await env.publish(created)
    await env.settled()
    await first.close()

    await env.start() // same Redis prefix: the job is still there
    const { receivedAt } = await env.expirationOf(created.data.id, 2_000 + PUNCTUALITY_MS + 1_000)
    expect(receivedAt).toBeGreaterThanOrEqual(expiresAt)
    expect(receivedAt).toBeLessThanOrEqual(expiresAt + PUNCTUALITY_MS)
  })
})

describe('a timer that fires while NATS is away', () => {
  let nats: PrivateNatsServer
  let env: ExpirationEnvironment
  beforeAll(async () => {
    nats = await startNatsServer()
    env = await expirationEnvironment({ natsUrl: nats.url })
    await env.start()
  })
  afterAll(async () => {
    await env.cleanup()
    await nats.remove()
  })

  it('fails its job, which is retried until the event is published', async () => {
    const expiresAt = Date.now() + 500
    const created = orderCreated(expiresAt)
    await env.publish(created)
    await env.settled()

    await nats.stop()
    await vi.waitFor(
      async () =>
        expect((await env.jobs.getJob(expiryJobId(created.data.id)))?.attemptsMade).toBeGreaterThan(0),
      { timeout: 15_000, interval: 50 },
    )
    await nats.start()
    const { event } = await env.expirationOf(created.data.id, 15_000)
    expect(event.id).toBe(expirationEventId(created.data.id))
  })
})
