import { randomUUID } from 'node:crypto'
import { createDb, newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Database } from '../../src/db/schema.js'
import { startOrders, type OrdersHarness } from '../helpers.js'

const REQUEST_CONNECTIONS = 2

describe("the workers' own pool", () => {
  let orders: OrdersHarness
  beforeAll(
    async () => (orders = await startOrders({}, { requests: REQUEST_CONNECTIONS, workersPool: true })),
  )
  afterAll(() => orders.close())

  it('applies events while requests hold every connection of the request pool', async () => {
    const reader = createDb<Database>(orders.databaseUrl, { max: 1 })
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let held = 0
    // Requests piling up take every connection of their pool, each until its transaction ends.
    const holding = Array.from({ length: REQUEST_CONNECTIONS }, () =>
      orders.db.connection().execute(async () => {
        held++
        await released
      }),
    )
    try {
      await vi.waitFor(() => expect(held).toBe(REQUEST_CONNECTIONS))
      // A reservation now waits for a connection, behind the ones holding them.
      const buyer = await orders.buyer()
      const ticket = { id: randomUUID(), version: 0, title: 'Gig', price: 1500, currency: 'USD' }
      const reservation = orders.app.inject({
        method: 'POST',
        url: '/api/orders',
        payload: { ticketId: ticket.id },
        cookies: buyer.cookies,
      })

      await orders.publish(newEvent('ticket.created', { ...ticket, userId: randomUUID() }, '/tickets'))
      await vi.waitFor(
        async () => {
          const replica = await reader
            .selectFrom('ticket_replicas')
            .select('id')
            .where('id', '=', ticket.id)
            .executeTakeFirst()
          expect(replica).toBeDefined()
        },
        { timeout: 5_000, interval: 20 },
      )

      release()
      // Once the requests' connections come back, the reservation that waited finds the ticket.
      expect((await reservation).statusCode).toBe(201)
    } finally {
      release()
      await Promise.all(holding)
      await reader.destroy()
    }
  })
})
