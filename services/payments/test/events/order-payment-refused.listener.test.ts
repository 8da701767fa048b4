import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPayments, type PaymentsHarness } from '../helpers.js'

describe('order.payment-refused', () => {
  let payments: PaymentsHarness
  beforeAll(async () => (payments = await startPayments()))
  afterAll(() => payments.close())

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
