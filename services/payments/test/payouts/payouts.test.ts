import { randomUUID } from 'node:crypto'
import { newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startPayments, type PaymentsHarness } from '../helpers.js'

const EVENTUALLY = { timeout: 15_000, interval: 50 }
/** The release delay, at test speed: two seconds after the event starts. */
const DELAY_HOURS = 2 / 3600

describe('seller payouts', () => {
  let payments: PaymentsHarness
  beforeAll(
    async () =>
      (payments = await startPayments({
        PAYOUT_DELAY_HOURS: String(DELAY_HOURS),
        PAYOUT_INTERVAL_MS: '100',
      })),
  )
  afterAll(() => payments.close())

  /** tickets announcing an event that starts at `startsAt`, waited for until payments has it. */
  async function announceEvent(startsAt: Date, version = 0, id = randomUUID()) {
    const data: EventData<'event.created'> = {
      id,
      version,
      name: 'Hamilton',
      venue: 'Victoria Palace Theatre',
      city: 'London',
      startsAt: startsAt.toISOString(),
      status: version === 0 ? 'scheduled' : 'postponed',
      priceCap: { kind: 'none' },
    }
    await payments.publish(newEvent(version === 0 ? 'event.created' : 'event.updated', data, '/tickets'))
    await vi.waitFor(async () => {
      const row = await payments.db
        .selectFrom('event_replicas')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirst()
      expect(row?.version).toBe(version)
    }, EVENTUALLY)
    return id
  }

  /** A sale of a ticket by `sellerId` at 50.00 (the buyer pays 55.00, the seller receives 47.50), paid and complete. */
  async function sale(sellerId: string, eventId?: string) {
    const buyer = await payments.buyer()
    const order = await payments.placeOrder(buyer.id, {
      total: 5500,
      ticket: {
        id: randomUUID(),
        version: 1,
        price: 5000,
        currency: 'USD',
        sellerId,
        sellerNet: 4750,
        ...(eventId && { eventId }),
      },
    })
    await payments.pay(order.id, 'tok_visa', buyer.cookies)
    await payments.completeOrder(order)
    await payments.settled(order.id, ['captured'])
    return order
  }

  const payoutsOf = async (seller: { cookies: Record<string, string> }) => {
    const response = await payments.app.inject({ url: '/api/payments/payouts', cookies: seller.cookies })
    expect(response.statusCode).toBe(200)
    return response.json<
      { orderId: string; status: string; amount: number; releaseAt?: string; paidAt?: string }[]
    >()
  }

  it('owes the seller their net from the sale, releases it after the event starts and the delay, and pays it', async () => {
    const seller = await payments.buyer()
    const startsAt = new Date(Date.now() + 2_000)
    const eventId = await announceEvent(startsAt)
    const order = await sale(seller.id, eventId)

    const [pending] = await payoutsOf(seller)
    expect(pending).toEqual({
      id: expect.any(String),
      orderId: order.id,
      ticketId: order.ticket.id,
      amount: 47.5,
      currency: 'USD',
      status: 'pending',
      releaseAt: new Date(startsAt.getTime() + 2_000).toISOString(),
    })
    await vi.waitFor(async () => expect((await payoutsOf(seller))[0]?.status).toBe('paid'), EVENTUALLY)
    const [paid] = await payoutsOf(seller)
    expect(Date.parse(paid!.paidAt!)).toBeGreaterThanOrEqual(startsAt.getTime() + 2_000)
    // Others see none of it.
    expect(await payoutsOf(await payments.buyer())).toEqual([])
    expect((await payments.app.inject({ url: '/api/payments/payouts' })).statusCode).toBe(401)
  })

  it('releases at once a sale of a ticket without event; a postponement moves a release with it', async () => {
    const seller = await payments.buyer()
    await sale(seller.id)
    await vi.waitFor(async () => expect((await payoutsOf(seller))[0]?.status).toBe('paid'), EVENTUALLY)

    const later = await payments.buyer()
    const eventId = await announceEvent(new Date(Date.now() + 60_000))
    await sale(later.id, eventId)
    const moved = new Date(Date.now() + 86_400_000)
    await announceEvent(moved, 1, eventId)
    const [payout] = await payoutsOf(later)
    expect(payout).toMatchObject({
      status: 'pending',
      releaseAt: new Date(moved.getTime() + 2_000).toISOString(),
    })
  })

  it('cancels the payout of a sale refunded before it was paid, and never pays it', async () => {
    const seller = await payments.buyer()
    const eventId = await announceEvent(new Date(Date.now() + 60_000))
    const order = await sale(seller.id, eventId)
    expect((await payoutsOf(seller))[0]?.status).toBe('pending')
    const cancelled = newEvent(
      'order.cancelled',
      { id: order.id, version: 2, ticket: { id: order.ticket.id }, reason: 'event_cancelled' as const },
      '/orders',
    )
    await payments.publish(cancelled)
    await payments.publish({ ...cancelled, id: randomUUID() })
    await payments.settled(order.id, ['refunded'])
    await vi.waitFor(async () => expect((await payoutsOf(seller))[0]?.status).toBe('cancelled'), EVENTUALLY)
  })

  it('owes nothing for an order announced before payouts (no seller named), and one payout per sale', async () => {
    const buyer = await payments.buyer()
    const old = await payments.placeOrder(buyer.id)
    await payments.pay(old.id, 'tok_visa', buyer.cookies)
    await payments.completeOrder(old)
    await payments.completeOrder(old) // delivered again
    await payments.settled(old.id, ['captured'])
    const rows = await payments.db.selectFrom('payouts').select('id').where('order_id', '=', old.id).execute()
    expect(rows).toEqual([])
  })
})
