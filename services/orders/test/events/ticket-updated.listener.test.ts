import { randomUUID } from 'node:crypto'
import { newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

describe('ticket.created and ticket.updated', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders()))
  afterAll(() => orders.close())

  it('the ticket replica converges under duplicated and reordered ticket events', async () => {
    const created: EventData<'ticket.created'> = {
      id: randomUUID(),
      version: 0,
      title: 'v0',
      price: 1000,
      currency: 'USD',
      userId: randomUUID(),
    }
    const versions = [1, 2, 3, 4].map((version) =>
      newEvent(
        'ticket.updated',
        { ...created, version, title: `v${version}`, price: 1000 + version },
        '/tickets',
      ),
    )
    const events = [
      versions[3]!,
      versions[1]!,
      newEvent('ticket.created', created, '/tickets'),
      versions[2]!,
      versions[0]!,
    ]
    for (const event of [...events, versions[1]!, versions[0]!]) await orders.publish(event) // with duplicates
    // The same versions again under new event ids: duplicates JetStream cannot recognise.
    for (const event of versions) await orders.publish({ ...event, id: randomUUID() })

    await vi.waitFor(
      async () =>
        expect(
          await orders.db
            .selectFrom('ticket_replicas')
            .selectAll()
            .where('id', '=', created.id)
            .executeTakeFirst(),
        ).toEqual({
          id: created.id,
          title: 'v4',
          price: 1004,
          buyer_fee: 0, // events written before fees had none
          seller_fee: 0,
          currency: 'USD',
          user_id: created.userId,
          order_id: null,
          status: null,
          event_id: null,
          version: 4,
        }),
      { timeout: 10_000 },
    )
  })
})
