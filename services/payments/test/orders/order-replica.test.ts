import { randomUUID } from 'node:crypto'
import { newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPayments, type PaymentsHarness } from '../helpers.js'

describe("payments' replica of orders", () => {
  let payments: PaymentsHarness
  beforeAll(async () => (payments = await startPayments()))
  afterAll(() => payments.close())

  const replicaOf = (id: string) =>
    payments.db
      .selectFrom('order_replicas')
      .select(['status', 'version'])
      .where('id', '=', id)
      .executeTakeFirst()

  it('the order replica applies events in version order, whatever order they arrive in', async () => {
    const order: EventData<'order.created'> = {
      id: randomUUID(),
      version: 0,
      status: 'created',
      userId: randomUUID(),
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
      ticket: { id: randomUUID(), version: 1, price: 1000, currency: 'USD' },
    }
    const completed = newEvent(
      'order.completed',
      { id: order.id, version: 1, ticket: order.ticket },
      '/orders',
    )
    await payments.publish(completed) // before its order.created: naked until that arrives
    await payments.publish(newEvent('order.created', order, '/orders'))
    await payments.publish({ ...completed, id: randomUUID() }) // the same version again: ignored
    await vi.waitFor(
      async () => expect(await replicaOf(order.id)).toEqual({ status: 'complete', version: 1 }),
      {
        timeout: 15_000,
      },
    )
  })
})
