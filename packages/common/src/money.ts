import Type from 'typebox'
import type { ErrorItem } from './errors/app-error.js'

/** The API's price: a JSON number in major units, more than 0, at most 1,000,000, with at most 2 decimals. */
export const MAX_PRICE = 1_000_000
export const PriceSchema = Type.Number({ exclusiveMinimum: 0, maximum: MAX_PRICE })

/** 19.99 → 1999. Prices are stored as integer minor units; floating point never reaches the database. */
export function toMinorUnits(price: number): number {
  return Math.round(price * 100)
}

/** 1999 → 19.99 */
export function toMajorUnits(minor: number): number {
  return minor / 100
}

/** The decimals rule, which JSON Schema's multipleOf cannot state exactly for binary floats. */
export function priceDecimalsError(price: number, field = 'price'): ErrorItem | undefined {
  const cents = price * 100
  return Math.abs(cents - Math.round(cents)) > 1e-6
    ? { field, message: 'Price must have at most 2 decimals' }
    : undefined
}
