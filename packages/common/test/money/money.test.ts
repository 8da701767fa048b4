import { describe, expect, it } from 'vitest'
import { currencyExponent, priceDecimalsError, toMajorUnits, toMinorUnits } from '../../src/index.js'

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
  })
})
