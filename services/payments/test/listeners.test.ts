import { randomUUID } from 'node:crypto'
import { newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPayments, type PaymentsHarness } from './helpers.js'

describe('payments listening to orders', () => {
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

  it('order.payment-refused refunds the payment, marks it refunded and announces it, once', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const { id } = (await payments.pay(order.id, 'tok_visa', buyer.cookies)).json<{ id: string }>()
    const refused = newEvent('order.payment-refused', { orderId: order.id, paymentId: id }, '/orders')
    const again = { ...refused, id: randomUUID() } // a second refusal JetStream cannot recognise as a duplicate
    await payments.publish(refused)
    await payments.publish(again)

    await vi.waitFor(async () => {
      const handled = await payments.db
        .selectFrom('processed_events')
        .select('event_id')
        .where('event_id', 'in', [refused.id, again.id])
        .execute()
      expect(handled).toHaveLength(2)
    })
    const row = await payments.db
      .selectFrom('payments')
      .select(['status', 'gateway_charge_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('refunded')
    expect(payments.chargesFor(order.id)).toEqual({
      made: [row.gateway_charge_id],
      refunded: [row.gateway_charge_id],
    })
    expect(await payments.outbox('payment.refunded')).toEqual([{ id, orderId: order.id }])
  })
})
