import { randomUUID } from 'node:crypto'
import { newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startOrders, type OrdersHarness } from './helpers.js'

describe('orders listening to the other services', () => {
  let orders: OrdersHarness
  beforeAll(async () => (orders = await startOrders()))
  afterAll(() => orders.close())

  async function placeOrder() {
    const ticket = await orders.listTicket()
    const buyer = await orders.buyer()
    const response = await orders.app.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { ticketId: ticket.id },
      cookies: buyer.cookies,
    })
    return { ticket, buyer, order: response.json<{ id: string }>() }
  }
  const statusOf = async (id: string) =>
    await orders.db
      .selectFrom('orders')
      .select(['status', 'cancel_reason'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()

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
          currency: 'USD',
          user_id: created.userId,
          order_id: null,
          version: 4,
        }),
      { timeout: 10_000 },
    )
  })

  it('ticket.reservation-refused cancels the order with reason ticket_changed', async () => {
    const { ticket, order } = await placeOrder()
    await orders.publish(
      newEvent(
        'ticket.reservation-refused',
        { ticketId: ticket.id, orderId: order.id, reason: 'price_changed' },
        '/tickets',
      ),
    )
    await vi.waitFor(async () =>
      expect(await statusOf(order.id)).toEqual({ status: 'cancelled', cancel_reason: 'ticket_changed' }),
    )
    expect(await orders.outbox('order.cancelled')).toContainEqual(
      expect.objectContaining({ id: order.id, reason: 'ticket_changed' }),
    )
  })

  it('expiration.completed cancels an unpaid order, but not a complete one', async () => {
    const unpaid = await placeOrder()
    await orders.publish(newEvent('expiration.completed', { orderId: unpaid.order.id }, '/expiration'))
    await vi.waitFor(async () =>
      expect(await statusOf(unpaid.order.id)).toEqual({ status: 'cancelled', cancel_reason: 'expired' }),
    )

    const paid = await placeOrder()
    await orders.publish(
      newEvent(
        'payment.created',
        { id: randomUUID(), orderId: paid.order.id, amount: 2500, currency: 'USD', gatewayChargeId: 'ch' },
        '/payments',
      ),
    )
    await vi.waitFor(async () => expect((await statusOf(paid.order.id)).status).toBe('complete'))
    await orders.publish(newEvent('expiration.completed', { orderId: paid.order.id }, '/expiration'))
    const marker = await placeOrder() // processed after the expiration above: the listener has moved on
    await orders.publish(newEvent('expiration.completed', { orderId: marker.order.id }, '/expiration'))
    await vi.waitFor(async () => expect((await statusOf(marker.order.id)).status).toBe('cancelled'))
    expect((await statusOf(paid.order.id)).status).toBe('complete')
  })

  it('payment.created completes an open order, and refuses a payment for a cancelled one', async () => {
    const { ticket, order } = await placeOrder()
    const payment = {
      id: randomUUID(),
      orderId: order.id,
      amount: 2500,
      currency: 'USD',
      gatewayChargeId: 'ch_ok',
    }
    await orders.publish(newEvent('payment.created', payment, '/payments'))
    await vi.waitFor(async () => expect((await statusOf(order.id)).status).toBe('complete'))
    expect(await orders.outbox('order.completed')).toContainEqual({
      id: order.id,
      version: 1,
      ticket: { id: ticket.id },
    })

    const late = await placeOrder()
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
    expect((await statusOf(late.order.id)).status).toBe('cancelled')
  })
})

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
  })
})
