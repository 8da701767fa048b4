import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from '../helpers.js'

describe('payment.created', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders()))
  afterAll(() => orders.close())

  it('payment.created completes an open order, and refuses a payment for a cancelled one', async () => {
    const { ticket, order, buyer } = await orders.placeOrder()
    const payment = {
      id: randomUUID(),
      orderId: order.id,
      amount: 2500,
      currency: 'USD',
      gatewayChargeId: 'ch_ok',
    }
    await orders.publish(newEvent('payment.created', payment, '/payments'))
    await vi.waitFor(async () => expect((await orders.statusOf(order.id)).status).toBe('complete'))
    expect(await orders.outbox('order.completed')).toContainEqual({
      id: order.id,
      version: 1,
      userId: buyer.id,
      ticket: { id: ticket.id },
      total: 2500,
    })

    const late = await orders.placeOrder()
    await orders.app.inject({
      method: 'DELETE',
      url: `/api/orders/${late.order.id}`,
      cookies: late.buyer.cookies,
    })
    const latePayment = {
      id: randomUUID(),
      orderId: late.order.id,
      amount: 2500,
      currency: 'USD',
      gatewayChargeId: 'ch_late',
    }
    await orders.publish(newEvent('payment.created', latePayment, '/payments'))
    await vi.waitFor(async () =>
      expect(await orders.outbox('order.payment-refused')).toContainEqual({
        orderId: late.order.id,
        paymentId: latePayment.id,
      }),
    )
    expect((await orders.statusOf(late.order.id)).status).toBe('cancelled')
  })

  /** An order paid before tickets has confirmed or refused its hold, the payment given a moment to arrive. */
  async function paidBeforeTicketsAnswered() {
    const { ticket, order } = await orders.placeOrder({ confirmed: false })
    const payment = {
      id: randomUUID(),
      orderId: order.id,
      amount: 2500,
      currency: 'USD',
      gatewayChargeId: 'ch',
    }
    await orders.publish(newEvent('payment.created', payment, '/payments'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    return { ticket, order, payment }
  }

  it('waits for tickets to confirm the hold: a payment before the confirmation completes the order only after it', async () => {
    const { ticket, order } = await paidBeforeTicketsAnswered()
    expect((await orders.statusOf(order.id)).status).toBe('created')

    await orders.publish(
      newEvent('ticket.reservation-confirmed', { ticketId: ticket.id, orderId: order.id }, '/tickets'),
    )
    await vi.waitFor(async () => expect((await orders.statusOf(order.id)).status).toBe('complete'), {
      timeout: 10_000,
    })
  })

  it('a payment whose reservation tickets then refuses never completes the order: it is cancelled and refunded', async () => {
    const { ticket, order, payment } = await paidBeforeTicketsAnswered()
    await orders.publish(
      newEvent(
        'ticket.reservation-refused',
        { ticketId: ticket.id, orderId: order.id, reason: 'price_changed' },
        '/tickets',
      ),
    )
    await vi.waitFor(
      async () =>
        expect(await orders.outbox('order.payment-refused')).toContainEqual({
          orderId: order.id,
          paymentId: payment.id,
        }),
      { timeout: 10_000 },
    )
    expect(await orders.statusOf(order.id)).toEqual({ status: 'cancelled', cancel_reason: 'ticket_changed' })
    expect(await orders.outbox('order.completed')).not.toContainEqual(
      expect.objectContaining({ id: order.id }),
    )
  })
})
