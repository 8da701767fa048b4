import { describe, expect, it } from 'vitest'
import {
  currencyExponent,
  formatMinorUnits,
  minimumCharge,
  priceDecimalsError,
  priceMinimumError,
  toMajorUnits,
  toMinorUnits,
} from '../../src/index.js'

describe('money in minor units of its currency', () => {
  it('takes the number of decimals from ISO 4217', () => {
    expect(currencyExponent('USD')).toBe(2)
    expect(currencyExponent('JPY')).toBe(0)
    expect(currencyExponent('KWD')).toBe(3)
    expect(currencyExponent('HUF')).toBe(2) // ISO says 2, though prices are usually shown without
    expect(() => currencyExponent('ABC')).toThrow(/not an ISO 4217 currency/)
  })

  it('converts both ways without a factor of 100 for currencies that have no minor unit', () => {
    expect(toMinorUnits(19.99, 'USD')).toBe(1999)
    expect(toMinorUnits(0.29, 'USD')).toBe(29) // 0.29 * 100 is 28.999999999999996 in binary floating point
    expect(toMajorUnits(1999, 'USD')).toBe(19.99)
    expect(toMinorUnits(1000, 'JPY')).toBe(1000)
    expect(toMajorUnits(1000, 'JPY')).toBe(1000)
    expect(toMinorUnits(1.234, 'KWD')).toBe(1234)
    expect(toMajorUnits(1234, 'KWD')).toBe(1.234)
  })

  it('allows at most as many decimals as the currency has', () => {
    expect(priceDecimalsError(19.99, 'USD')).toBeUndefined()
    expect(priceDecimalsError(19.999, 'USD')).toEqual({
      field: 'price',
      message: 'Price must have at most 2 decimals',
    })
    expect(priceDecimalsError(1000, 'JPY')).toBeUndefined()
    expect(priceDecimalsError(1000.5, 'JPY')).toEqual({
      field: 'price',
      message: 'Price must be a whole number of JPY',
    })
    expect(priceDecimalsError(1.234, 'KWD')).toBeUndefined()
    // Found by the fuzzer: an amount far below a cent once passed as "near enough whole" and became 0.
    expect(priceDecimalsError(4.154429231825396e-166, 'USD')).toEqual({
      field: 'price',
      message: 'Price must have at most 2 decimals',
    })
  })

  it('knows the gateway’s smallest charge per currency, in minor units', () => {
    // Stripe's table (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts), in each exponent.
    expect(minimumCharge('USD')).toBe(50)
    expect(minimumCharge('EUR')).toBe(50)
    expect(minimumCharge('GBP')).toBe(30)
    expect(minimumCharge('CAD')).toBe(50)
    expect(minimumCharge('AUD')).toBe(50)
    expect(minimumCharge('CHF')).toBe(50)
    expect(minimumCharge('HKD')).toBe(400)
    expect(minimumCharge('MXN')).toBe(1000)
    expect(minimumCharge('HUF')).toBe(17500)
    expect(minimumCharge('JPY')).toBe(50) // ¥50, not 5000: JPY has no minor unit
    // Not in the table: half a major unit of the currency's exponent, never less than one minor unit.
    expect(minimumCharge('ISK')).toBe(1)
    expect(minimumCharge('KWD')).toBe(500)
    expect(minimumCharge('COP')).toBe(50)
  })

  it('formats minor units with as many decimals as the currency has', () => {
    expect(formatMinorUnits(50, 'USD')).toBe('0.50')
    expect(formatMinorUnits(1999, 'USD')).toBe('19.99')
    expect(formatMinorUnits(50, 'JPY')).toBe('50')
    expect(formatMinorUnits(500, 'KWD')).toBe('0.500')
  })

  it('refuses a price below the gateway’s minimum, naming it in the currency', () => {
    expect(priceMinimumError(0.5, 'USD')).toBeUndefined()
    expect(priceMinimumError(0.49, 'USD')).toEqual({
      field: 'price',
      message: 'Price must be at least 0.50 USD',
    })
    expect(priceMinimumError(0.29, 'GBP')).toEqual({
      field: 'price',
      message: 'Price must be at least 0.30 GBP',
    })
    expect(priceMinimumError(0.3, 'GBP')).toBeUndefined()
    expect(priceMinimumError(49, 'JPY')).toEqual({ field: 'price', message: 'Price must be at least 50 JPY' })
    expect(priceMinimumError(50, 'JPY')).toBeUndefined()
  })
})
