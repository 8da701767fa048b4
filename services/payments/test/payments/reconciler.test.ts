import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPayments, type PaymentsHarness } from '../helpers.js'

/**
 * Hole 1 of issue 13: a card charged with no record of it. The attempt is now recorded before the card is
 * touched, and the reconciler resolves every attempt whose outcome never came back.
 */
describe('payments that cannot lose money', () => {
  let payments: PaymentsHarness
  // Pending attempts are looked up after a second rather than a minute.
  beforeAll(
    async () =>
      (payments = await startPayments({
        RECONCILE_PENDING_AFTER_SECONDS: '1',
        RECONCILE_ACTION_AFTER_SECONDS: '1',
      })),
  )
  afterAll(() => payments.close())

  const announced = async (paymentId: string) =>
    (await payments.outbox('payment.created')).filter((event) => event.id === paymentId)

  it('a gateway that authorises and then times out: the buyer is told it is pending, and the reconciler records it once', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const lookup = vi.spyOn(payments.gateway, 'lookup').mockRejectedValueOnce(new Error('timeout'))
    const response = await payments.pay(order.id, 'tok_sandbox_timeoutAfterAuthorize', buyer.cookies)
    lookup.mockRestore()
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ status: 'pending' })
    await payments.settled(order.id, ['authorized'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['authorized'])
    expect(await announced(response.json().id)).toHaveLength(1)
  })

  it('a gateway that times out and answers the next question at once: recorded in the same request', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const response = await payments.pay(order.id, 'tok_sandbox_timeoutAfterAuthorize', buyer.cookies)
    expect(response.json()).toMatchObject({ status: 'authorized' })
    expect(await announced(response.json().id)).toHaveLength(1)
  })

  /** The state a crash leaves: an attempt recorded pending, and the gateway as far as it got. */
  async function crashedAttempt(stage: 'opened' | 'noted' | 'authorized') {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const paymentId = randomUUID()
    await payments.db
      .insertInto('payments')
      .values({
        id: paymentId,
        order_id: order.id,
        amount: 2500,
        currency: 'USD',
        status: 'pending',
        gateway_charge_id: null,
      })
      .execute()
    const request = { paymentId, orderId: order.id, amount: 2500, currency: 'USD' }
    const { intentId } = await payments.gateway.open(request)
    if (stage !== 'opened') {
      await payments.db
        .updateTable('payments')
        .set({ gateway_charge_id: intentId })
        .where('id', '=', paymentId)
        .execute()
    }
    if (stage === 'authorized') await payments.gateway.authorize(intentId, { paymentId, token: 'tok_visa' })
    return { order, buyer, paymentId }
  }

  it('payments killed after the card was authorised, before recording it: the reconciler announces it', async () => {
    const { order, paymentId } = await crashedAttempt('authorized')
    await payments.settled(order.id, ['authorized'])
    expect(await announced(paymentId)).toHaveLength(1)
  })

  it('payments killed before noting the gateway’s id: the reconciler finds the intent by the attempt’s key', async () => {
    const { order, paymentId } = await crashedAttempt('opened')
    // The gateway authorised it, but payments never learnt the intent's id.
    const { intentId } = await payments.gateway.open({
      paymentId,
      orderId: order.id,
      amount: 2500,
      currency: 'USD',
    })
    await payments.gateway.authorize(intentId, { paymentId, token: 'tok_visa' })
    await payments.settled(order.id, ['authorized'])
    const [row] = await payments.paymentsOf(order.id)
    expect(row!.gateway_charge_id).toBe(intentId)
    expect(await payments.intentsFor(order.id)).toHaveLength(1)
  })

  it('payments killed before the card was presented: the intent is released, the attempt declined, the order payable again', async () => {
    const { order, buyer } = await crashedAttempt('noted')
    await payments.settled(order.id, ['declined'])
    expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['voided'])
    expect((await payments.pay(order.id, 'tok_visa', buyer.cookies)).statusCode).toBe(201)
  })

  it('calls the gateway without holding a lock on the attempt’s row', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const locked: string[] = []
    const probe = (method: 'authorize' | 'capture' | 'void') => {
      const gateway = payments.gateway as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
      const original = gateway[method]!.bind(gateway)
      return vi.spyOn(gateway, method).mockImplementation(async (...args: unknown[]) => {
        const { paymentId } = args[1] as { paymentId: string }
        // Another connection takes the row's lock without waiting: nobody holds it.
        try {
          await payments.db
            .selectFrom('payments')
            .select('id')
            .where('id', '=', paymentId)
            .forUpdate()
            .noWait()
            .execute()
        } catch (error) {
          locked.push(`${method}: ${(error as Error).message}`)
        }
        return original(...args)
      })
    }
    const spies = [probe('authorize'), probe('capture'), probe('void')]
    try {
      const paid = await payments.pay(order.id, 'tok_visa', buyer.cookies)
      await payments.completeOrder(order)
      await payments.settled(order.id, ['captured'])
      const other = await payments.placeOrder(buyer.id)
      const { id } = (await payments.pay(other.id, 'tok_visa', buyer.cookies)).json<{ id: string }>()
      const { newEvent } = await import('@ticketing/common')
      await payments.publish(
        newEvent('order.payment-refused', { orderId: other.id, paymentId: id }, '/orders'),
      )
      await payments.settled(other.id, ['voided'])
      expect(paid.statusCode).toBe(201)
      expect(spies.map((spy) => spy.mock.calls.length)).toEqual([2, 1, 1])
      expect(locked).toEqual([])
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
  })

  it('an event cancelled while its completed order’s capture is at the gateway: the capture is refunded', async () => {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id)
    const { id } = (await payments.pay(order.id, 'tok_visa', buyer.cookies)).json<{ id: string }>()
    const gateway = payments.gateway as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
    const capture = gateway.capture!.bind(gateway)
    // What the order.cancelled listener does for an event's cancellation while the row is not locked: the
    // payment is still authorised, so it owes a void.
    const spy = vi.spyOn(gateway, 'capture').mockImplementationOnce(async (...args: unknown[]) => {
      await payments.db
        .updateTable('payments')
        .set({ settle: 'void', lease_until: null })
        .where('id', '=', id)
        .execute()
      return capture(...args)
    })
    try {
      await payments.completeOrder(order)
      await payments.settled(order.id, ['refunded'])
      expect((await payments.intentsFor(order.id)).map((intent) => intent.status)).toEqual(['refunded'])
      expect((await payments.outbox('payment.refunded')).filter((event) => event.id === id)).toHaveLength(1)
    } finally {
      spy.mockRestore()
    }
  })

  describe('3-D Secure', () => {
    it('answers requires_action with a client secret; the buyer finishing it authorises and announces the payment', async () => {
      const buyer = await payments.buyer()
      const order = await payments.placeOrder(buyer.id)
      const response = await payments.pay(order.id, 'tok_threeDSecure2Required', buyer.cookies)
      expect(response.statusCode).toBe(201)
      const { id, clientSecret } = response.json()
      expect(response.json()).toMatchObject({ status: 'requires_action', clientSecret: expect.any(String) })
      expect(clientSecret).toContain('_secret_')
      expect(await announced(id)).toEqual([])

      const stranger = await payments.buyer()
      const theirs = await payments.app.inject({
        method: 'POST',
        url: `/api/payments/${id}/complete-action`,
        cookies: stranger.cookies,
      })
      expect(theirs.statusCode).toBe(401)
      const done = await payments.app.inject({
        method: 'POST',
        url: `/api/payments/${id}/complete-action`,
        cookies: buyer.cookies,
      })
      expect(done.statusCode).toBe(200)
      expect(done.json()).toEqual({ id, orderId: order.id, status: 'authorized' })
      expect(await announced(id)).toHaveLength(1)
    })

    it('the reconciler notices an authentication the buyer finished without telling us', async () => {
      const buyer = await payments.buyer()
      const order = await payments.placeOrder(buyer.id)
      await payments.pay(order.id, 'tok_threeDSecure2Required', buyer.cookies)
      const [row] = await payments.paymentsOf(order.id)
      await payments.gateway.completeAction(row!.gateway_charge_id!) // the bank's side, in the buyer's browser
      await payments.settled(order.id, ['authorized'])
      expect(await announced(row!.id)).toHaveLength(1)
    })

    it('an unfinished authentication is released when the order ends, and another card may replace it meanwhile', async () => {
      const buyer = await payments.buyer()
      const order = await payments.placeOrder(buyer.id)
      await payments.pay(order.id, 'tok_threeDSecure2Required', buyer.cookies)
      // The buyer gives up on that card and pays with another.
      expect((await payments.pay(order.id, 'tok_visa', buyer.cookies)).statusCode).toBe(201)
      expect((await payments.paymentsOf(order.id)).map((row) => row.status)).toEqual(['voided', 'authorized'])

      const abandoned = await payments.placeOrder(buyer.id)
      await payments.pay(abandoned.id, 'tok_threeDSecure2Required', buyer.cookies)
      await payments.cancelOrder(abandoned)
      await payments.settled(abandoned.id, ['voided'])
      expect((await payments.intentsFor(abandoned.id)).map((intent) => intent.status)).toEqual(['voided'])
    })
  })
})
