import { describe, expect, it } from 'vitest'
import { instantOf, localOf } from '../src/lib/zoned-time.js'

describe("an event's wall-clock time in its own zone", () => {
  it('turns the time there into the instant, in and out of summer time', () => {
    expect(instantOf('2027-01-10T19:30', 'Europe/London')).toBe('2027-01-10T19:30:00.000Z')
    expect(instantOf('2027-07-10T19:30', 'Europe/London')).toBe('2027-07-10T18:30:00.000Z')
    expect(instantOf('2027-07-10T19:00', 'Asia/Tokyo')).toBe('2027-07-10T10:00:00.000Z')
    expect(instantOf('2027-01-10T20:00', 'America/New_York')).toBe('2027-01-11T01:00:00.000Z')
  })

  it('reads an instant back as clocks there show it', () => {
    for (const zone of ['Europe/London', 'Asia/Tokyo', 'America/Los_Angeles', 'UTC']) {
      expect(localOf(instantOf('2027-03-15T21:45', zone)!, zone)).toBe('2027-03-15T21:45')
    }
  })

  it('refuses what is not a time or a zone', () => {
    expect(instantOf('tomorrow', 'Europe/London')).toBeUndefined()
    expect(instantOf('2027-01-10T19:30', 'Mars/Olympus_Mons')).toBeUndefined()
  })
})
