import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readPrice } from '../src/lib/price-input.js'

describe('a price as people type it', () => {
  it.each([
    ['25', 25],
    ['19.99', 19.99],
    ['12,50', 12.5],
    ['12,5', 12.5],
    ['0.50', 0.5],
    ['$12', 12],
    ['12 USD', 12],
    [' 1,250,000 ', 1_250_000],
    ['1.250.000', 1_250_000],
    ['1 250', 1250],
    ["1'250.50", 1250.5],
    ['1.250,50', 1250.5],
    ['1,250.50', 1250.5],
    ['1250', 1250],
    ['0,12', 0.12],
  ])('reads %j as %d', (typed, amount) => {
    expect(readPrice(typed)).toEqual({ ok: true, amount })
  })

  it.each([
    ['', 'Enter a price, such as 25 or 19.99'],
    ['1e3', 'Use digits only, such as 25 or 19.99'],
    ['0x10', 'Use digits only, such as 25 or 19.99'],
    ['-5', 'Use digits only, such as 25 or 19.99'],
    ['Infinity', 'Use digits only, such as 25 or 19.99'],
    ['1,250', 'Did you mean 1,250 or 1.25? Write 1250 or 1.25'],
    ['1.250', 'Did you mean 1,250 or 1.25? Write 1250 or 1.25'],
    ['12.345', 'Did you mean 12,345? Write 12345 (a price has at most 2 decimals)'],
    ['1,25,000', 'Group thousands in threes (1,250,000) or leave them out (1250000)'],
    ['1,250.000.5', 'Group thousands in threes (1,250,000) or leave them out (1250000)'],
    ['19.999', 'Did you mean 19,999? Write 19999 (a price has at most 2 decimals)'],
    ['5.500', 'Did you mean 5,500 or 5.5? Write 5500 or 5.50'],
    ['0.125', 'Use at most 2 decimals, such as 19.99'],
    ['1.2.3', 'Group thousands in threes (1,250,000) or leave them out (1250000)'],
  ])('refuses %j: %s', (typed, message) => {
    expect(readPrice(typed)).toEqual({ ok: false, message })
  })

  it('reads back any amount written the plain way, with a point or a comma', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.boolean(), (cents, comma) => {
        const plain = (cents / 100).toFixed(2)
        const typed = comma ? plain.replace('.', ',') : plain
        expect(readPrice(typed)).toEqual({ ok: true, amount: cents / 100 })
      }),
    )
  })

  it('never reads anything but digits and separators, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (typed) => {
        const reading = readPrice(typed)
        if (reading.ok) {
          expect(Number.isFinite(reading.amount)).toBe(true)
          expect(reading.amount).toBeGreaterThanOrEqual(0)
          expect(typed).not.toMatch(/[eExX+-]/)
        } else expect(reading.message.length).toBeGreaterThan(0)
      }),
    )
  })
})
