import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

const HOLD_SECONDS = 1

describe('expiration.completed', () => {
  let orders: OrdersHarness
  // The sweeper waits a minute past the hold, so that what these tests see is the listener's doing.
  beforeAll(
    async () =>
      (orders = await startOrders({ ORDER_HOLD_SECONDS: String(HOLD_SECONDS), SWEEP_GRACE_SECONDS: '60' })),
  )
  afterAll(() => orders.close())

  /** Waits until the order's hold has ended by the database's clock. */
  async function holdOver(orderId: string) {
    await vi.waitFor(
      async () => {
        const { over } = await orders.db
          .selectFrom('orders')
          .select((eb) => eb('expires_at', '<=', eb.fn<Date>('now')).as('over'))
          .where('id', '=', orderId)
          .executeTakeFirstOrThrow()
        expect(over).toBe(true)
      },
      { timeout: 5_000, interval: 50 },
    )
  }

  it('expiration.completed cancels an unpaid order, but not a complete one', async () => {
    const unpaid = await orders.placeOrder()
    await holdOver(unpaid.order.id)
    await orders.publish(newEvent('expiration.completed', { orderId: unpaid.order.id }, '/expiration'))
    await vi.waitFor(async () =>
      expect(await orders.statusOf(unpaid.order.id)).toEqual({
        status: 'cancelled',
        cancel_reason: 'expired',
      }),
    )

    const paid = await orders.placeOrder()
    await orders.publish(
      newEvent(
        'payment.created',
        { id: randomUUID(), orderId: paid.order.id, amount: 2500, currency: 'USD', gatewayChargeId: 'ch' },
        '/payments',
      ),
    )
    await vi.waitFor(async () => expect((await orders.statusOf(paid.order.id)).status).toBe('complete'))
    await holdOver(paid.order.id)
    await orders.publish(newEvent('expiration.completed', { orderId: paid.order.id }, '/expiration'))
    const marker = await orders.placeOrder() // processed after the expiration above: the listener has moved on
    await holdOver(marker.order.id)
    await orders.publish(newEvent('expiration.completed', { orderId: marker.order.id }, '/expiration'))
    await vi.waitFor(async () => expect((await orders.statusOf(marker.order.id)).status).toBe('cancelled'))
    expect((await orders.statusOf(paid.order.id)).status).toBe('complete')
    // Two holds ended by their timer (unpaid, marker); the complete order's timer changed nothing.
    expect((await orders.app.metrics.holdsExpired!.get()).values[0]?.value).toBe(2)
    expect((await orders.app.metrics.holdsSwept!.get()).values[0]?.value).toBe(0)
  })
})

describe('an expiration.completed that comes early', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders({ ORDER_HOLD_SECONDS: '60', SWEEP_GRACE_SECONDS: '60' })))
  afterAll(() => orders.close())

  it('changes nothing when the hold still has a while to run by the database’s clock (a host clock ahead)', async () => {
    const { order } = await orders.placeOrder()
    const early = newEvent('expiration.completed', { orderId: order.id }, '/expiration')
    await orders.publish(early)
    await vi.waitFor(async () => {
      const handled = await orders.db
        .selectFrom('processed_events')
        .select('event_id')
        .where('event_id', '=', early.id)
        .executeTakeFirst()
      expect(handled).toBeDefined()
    })
    expect(await orders.statusOf(order.id)).toEqual({ status: 'awaiting:payment', cancel_reason: null })
  })
})
