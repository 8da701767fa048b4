import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

describe('the sweeper', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders({ ORDER_HOLD_SECONDS: '1', SWEEP_GRACE_SECONDS: '0.5' })))
  afterAll(() => orders.close())

  it('cancels an expired order when no expiration event ever comes', async () => {
    const ticket = await orders.listTicket()
    const buyer = await orders.buyer()
    const order = (
      await orders.app.inject({
        method: 'POST',
        url: '/api/orders',
        payload: { ticketId: ticket.id },
        cookies: buyer.cookies,
      })
    ).json<{ id: string }>()
    await vi.waitFor(
      async () =>
        expect(
          (await orders.app.inject({ url: `/api/orders/${order.id}`, cookies: buyer.cookies })).json().status,
        ).toBe('cancelled'),
      { timeout: 5_000, interval: 100 },
    )
    expect(await orders.outbox('order.cancelled')).toContainEqual({
      id: order.id,
      version: 1,
      ticket: { id: ticket.id },
      reason: 'expired',
    })
    // Counted as swept, not as expired by its timer.
    expect((await orders.app.metrics.holdsSwept!.get()).values[0]?.value).toBe(1)
    expect((await orders.app.metrics.holdsExpired!.get()).values[0]?.value).toBe(0)
  })
})
