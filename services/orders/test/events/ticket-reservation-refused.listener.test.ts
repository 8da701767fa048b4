import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

describe('ticket.reservation-refused', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders()))
  afterAll(() => orders.close())

  it('ticket.reservation-refused cancels the order with reason ticket_changed', async () => {
    const { ticket, order } = await orders.placeOrder({ confirmed: false })
    await orders.publish(
      newEvent(
        'ticket.reservation-refused',
        { ticketId: ticket.id, orderId: order.id, reason: 'price_changed' },
        '/tickets',
      ),
    )
    await vi.waitFor(async () =>
      expect(await orders.statusOf(order.id)).toEqual({
        status: 'cancelled',
        cancel_reason: 'ticket_changed',
      }),
    )
    expect(await orders.outbox('order.cancelled')).toContainEqual(
      expect.objectContaining({ id: order.id, reason: 'ticket_changed' }),
    )
  })
})
