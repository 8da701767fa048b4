import { randomUUID } from 'node:crypto'
import { testBuses } from '@ticketing/testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { newEvent, ReplaySubscriber, type AnyCloudEvent, type Bus } from '../../src/index.js'

const ban = (userId: string) => newEvent('user.banned', { userId, at: new Date().toISOString() }, '/auth')

async function publish(bus: Bus, event: AnyCloudEvent) {
  await bus.js.publish(bus.subject(event.type), JSON.stringify(event), { msgID: event.id })
}

describe('the replay-then-follow subscriber', () => {
  const buses = testBuses()
  const subscribers: ReplaySubscriber[] = []
  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.stop()))
    await buses.cleanup()
  })

  const follow = (bus: Bus, since: () => Date) => {
    const seen: AnyCloudEvent[] = []
    const subscriber = new ReplaySubscriber({
      bus,
      types: ['user.banned', 'user.unbanned', 'session.revoked'],
      since,
      handler: (event) => void seen.push(event),
    })
    subscriber.start()
    subscribers.push(subscriber)
    return { subscriber, seen }
  }

  it('is replayed at once when there is nothing to replay', async () => {
    const bus = await buses.connect('tickets')
    const { subscriber } = follow(bus, () => new Date(Date.now() - 15 * 60_000))
    await subscriber.replayed
    expect(subscriber.isReplayed).toBe(true)
  })

  it('replays what happened since T, skips what is older and what it does not follow, then follows live events', async () => {
    const bus = await buses.connect('auth')
    const old = ban(randomUUID())
    await publish(bus, old)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const since = new Date()
    const recent = [
      ban(randomUUID()),
      newEvent('user.created', { id: randomUUID(), email: 'a@b.c', role: 'user' }, '/auth'),
    ]
    const revoked = newEvent(
      'session.revoked',
      { userId: randomUUID(), sessionId: randomUUID(), at: new Date().toISOString() },
      '/auth',
    )
    for (const event of [...recent, revoked]) await publish(bus, event)

    // Two instances each get every event: the list is per instance, not shared.
    const instances = [follow(bus, () => since), follow(bus, () => since)]
    for (const { subscriber, seen } of instances) {
      await subscriber.replayed
      expect(seen.map((event) => event.id)).toEqual([recent[0]!.id, revoked.id])
    }

    const live = newEvent('user.unbanned', { userId: randomUUID(), at: new Date().toISOString() }, '/auth')
    await publish(bus, live)
    for (const { seen } of instances) {
      await vi.waitFor(() => expect(seen.map((event) => event.id)).toContain(live.id), { timeout: 5_000 })
    }
  })

  it('stops promptly whenever it is stopped, even while its consumer is being made', async () => {
    const bus = await buses.connect('orders')
    // Stopped at successive moments of start-up: the consumer not yet asked for, being made, consuming.
    for (const delayMs of [0, 1, 2, 5, 10, 20, 50]) {
      const subscriber = new ReplaySubscriber({
        bus,
        types: ['user.banned'],
        since: () => new Date(Date.now() - 60_000),
        handler: () => undefined,
      })
      subscriber.start()
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      const stopped = subscriber.stop().then(() => 'stopped')
      const hung = new Promise((resolve) => setTimeout(resolve, 3_000, 'hung'))
      expect(await Promise.race([stopped, hung])).toBe('stopped')
    }
  })
})
