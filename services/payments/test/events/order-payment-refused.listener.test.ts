import { randomUUID } from 'node:crypto'
import { newEvent } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPayments, type PaymentsHarness } from '../helpers.js'

describe('order.payment-refused', () => {
  let payments: PaymentsHarness
  beforeAll(async () => (payments = await startPayments()))
  afterAll(() => payments.close())

  async function refuse(orderId: string, paymentId: string) {
    const refused = newEvent('order.payment-refused', { orderId, paymentId }, '/orders')
    const again = { ...refused, id: randomUUID() } // a second refusal JetStream cannot recognise as a duplicate
    await payments.publish(refused)
    await payments.publish(again)
  }

  it('voids an authorisation, so the buyer is never charged, and announces it once', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const { id } = (await payments.pay(order.id, 'tok_visa', buyer.cookies)).json<{ id: string }>()
    await refuse(order.id, id)
    await payments.settled(order.id, ['voided'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['voided'])
    expect(await payments.outbox('payment.refunded')).toContainEqual({ id, orderId: order.id })
    expect((await payments.outbox('payment.refunded')).filter((event) => event.id === id)).toHaveLength(1)
  })

  it('refunds money already taken', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const { id } = (await payments.pay(order.id, 'tok_visa', buyer.cookies)).json<{ id: string }>()
    await payments.completeOrder(order)
    await payments.settled(order.id, ['captured'])
    await refuse(order.id, id)
    await payments.settled(order.id, ['refunded'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['refunded'])
    expect((await payments.outbox('payment.refunded')).filter((event) => event.id === id)).toHaveLength(1)
  })

  it('retries a void the gateway fails until it succeeds', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const { id } = (await payments.pay(order.id, 'tok_visa', buyer.cookies)).json<{ id: string }>()
    const failing = vi
      .spyOn(payments.gateway, 'void')
      .mockRejectedValueOnce(new Error('gateway 500'))
      .mockRejectedValueOnce(new Error('gateway 500'))
    try {
      await refuse(order.id, id)
      await payments.settled(order.id, ['voided'])
      expect(failing).toHaveBeenCalledTimes(3)
    } finally {
      failing.mockRestore()
    }
  })

  it('voids an authorisation when the order is cancelled, even if orders’ refusal never comes', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    expect((await payments.pay(order.id, 'tok_visa', buyer.cookies)).statusCode).toBe(201)
    await payments.cancelOrder(order)
    await payments.settled(order.id, ['voided'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['voided'])
  })
})
