import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

describe('expiration.completed', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders()))
  afterAll(() => orders.close())

  it('expiration.completed cancels an unpaid order, but not a complete one', async () => {
    const unpaid = await orders.placeOrder()
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
    await orders.publish(newEvent('expiration.completed', { orderId: paid.order.id }, '/expiration'))
    const marker = await orders.placeOrder() // processed after the expiration above: the listener has moved on
    await orders.publish(newEvent('expiration.completed', { orderId: marker.order.id }, '/expiration'))
    await vi.waitFor(async () => expect((await orders.statusOf(marker.order.id)).status).toBe('cancelled'))
    expect((await orders.statusOf(paid.order.id)).status).toBe('complete')
  })
})
