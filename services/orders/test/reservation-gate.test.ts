import { describe, expect, it } from 'vitest'
import { ReservationGate } from '../src/orders/reservation-gate.js'

class Refused extends Error {}

describe('reservations of one ticket in one instance', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

  it('go one at a time; once one reserves it, those behind it for other buyers are refused without trying', async () => {
    const gate = new ReservationGate()
    const tried: string[] = []
    let running = 0
    const attempt = (buyer: string) =>
      gate.run(
        'ticket-1',
        buyer,
        async () => {
          running++
          expect(running).toBe(1)
          tried.push(buyer)
          await tick()
          running--
          return { userId: buyer }
        },
        () => new Refused(),
      )
    const outcomes = await Promise.allSettled(['a', 'b', 'c', 'a', 'd'].map(attempt))
    expect(tried).toEqual(['a', 'a']) // the winner's own retry still goes to the database (its idempotency key)
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'rejected',
    ])
    expect(
      outcomes.filter((outcome) => outcome.status === 'rejected').every((o) => o.reason instanceof Refused),
    ).toBe(true)
  })

  it('lets the next buyer try when a reservation failed, and forgets the ticket once its queue is empty', async () => {
    const gate = new ReservationGate()
    const tried: string[] = []
    const attempt = (buyer: string, fails: boolean) =>
      gate.run(
        'ticket-2',
        buyer,
        async () => {
          tried.push(buyer)
          await tick()
          if (fails) throw new Error(`${buyer} has too many open orders`)
          return { userId: buyer }
        },
        () => new Refused(),
      )
    const first = await Promise.allSettled([attempt('a', true), attempt('b', false), attempt('c', false)])
    expect(first.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'rejected'])
    expect(tried).toEqual(['a', 'b'])
    // Later (the order cancelled, say), the database is asked again.
    await expect(attempt('c', false)).resolves.toEqual({ userId: 'c' })
    expect(tried).toEqual(['a', 'b', 'c'])
  })

  it('keeps tickets apart', async () => {
    const gate = new ReservationGate()
    const reserve = (ticket: string, buyer: string) =>
      gate.run(
        ticket,
        buyer,
        async () => ({ userId: buyer }),
        () => new Refused(),
      )
    await expect(Promise.all([reserve('x', 'a'), reserve('y', 'b')])).resolves.toEqual([
      { userId: 'a' },
      { userId: 'b' },
    ])
  })
})
