import { describe, expect, it } from 'vitest'
import { DEMO_EVENTS, DEMO_LISTINGS_ON_SALE, localInstant } from '../src/seed.js'

describe('the demo marketplace', () => {
  it('places each event at its local time, whatever the zone and its summer time', () => {
    const winter = Date.UTC(2027, 0, 10, 12)
    const summer = Date.UTC(2027, 6, 10, 12)
    expect(localInstant(0, '19:30', 'Europe/London', winter)).toBe('2027-01-10T19:30:00.000Z')
    expect(localInstant(0, '19:30', 'Europe/London', summer)).toBe('2027-07-10T18:30:00.000Z')
    expect(localInstant(1, '19:00', 'Asia/Tokyo', summer)).toBe('2027-07-11T10:00:00.000Z')
    expect(localInstant(0, '20:00', 'America/New_York', winter)).toBe('2027-01-11T01:00:00.000Z')
  })

  it('has a dozen events across cities and categories, one cancelled, one postponed, every price within its cap', () => {
    expect(DEMO_EVENTS).toHaveLength(12)
    expect(new Set(DEMO_EVENTS.map((event) => event.city)).size).toBeGreaterThanOrEqual(6)
    expect(new Set(DEMO_EVENTS.map((event) => event.category)).size).toBeGreaterThanOrEqual(5)
    expect(DEMO_EVENTS.filter((event) => event.then === 'cancelled')).toHaveLength(1)
    expect(DEMO_EVENTS.filter((event) => event.then === 'postponed')).toHaveLength(1)
    let atCap = 0
    for (const event of DEMO_EVENTS) {
      for (const [, , , faceValue, price] of event.listings) {
        const cap = event.priceCap
        if (!cap) continue
        const cents = Math.round(faceValue * 100)
        const highest = cap.kind === 'face' ? cents : cents + Math.floor((cents * cap.percent) / 100)
        expect(Math.round(price * 100), `${event.name} at ${price}`).toBeLessThanOrEqual(highest)
        if (Math.round(price * 100) === highest) atCap++
      }
    }
    expect(atCap).toBeGreaterThan(0)
    // One page of the API holds them all (the system tests count them on one).
    expect(DEMO_LISTINGS_ON_SALE).toBeLessThanOrEqual(50)
  })
})
