import { randomUUID } from 'node:crypto'
import { newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPayments, type PaymentsHarness } from '../helpers.js'

describe('order.cancelled because its event was cancelled', () => {
  let payments: PaymentsHarness
  beforeAll(async () => (payments = await startPayments()))
  afterAll(() => payments.close())

  /** orders cancelling the order with its event, delivered twice under different message ids. */
  async function cancelWithEvent(order: EventData<'order.created'>, version: number) {
    const cancelled = newEvent(
      'order.cancelled',
      { id: order.id, version, ticket: { id: order.ticket.id }, reason: 'event_cancelled' as const },
      '/orders',
    )
    await payments.publish(cancelled)
    await payments.publish({ ...cancelled, id: randomUUID() })
  }

  it('refunds a completed, captured purchase in full, once', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const { id } = (await payments.pay(order.id, 'tok_visa', buyer.cookies)).json<{ id: string }>()
    await payments.completeOrder(order)
    await payments.settled(order.id, ['captured'])
    await cancelWithEvent(order, 2)
    await payments.settled(order.id, ['refunded'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['refunded'])
    expect((await payments.outbox('payment.refunded')).filter((event) => event.id === id)).toHaveLength(1)
  })

  it('voids an authorisation of an order not yet complete', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    await payments.pay(order.id, 'tok_visa', buyer.cookies)
    await cancelWithEvent(order, 1)
    await payments.settled(order.id, ['voided'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['voided'])
  })
})
