import currencyCodes from 'currency-codes'
import Type from 'typebox'
import type { ErrorItem } from './errors/app-error.js'

/**
 * Money is stored as integer minor units of its currency, whose exponent is ISO 4217's: 2 for USD (19.99 →
 * 1999), 0 for JPY (1000 → 1000), 3 for KWD. The API speaks major units, as JSON numbers.
 */

/** The API's price: a JSON number in major units, more than 0, at most 1,000,000. */
export const MAX_PRICE = 1_000_000
export const PriceSchema = Type.Number({ exclusiveMinimum: 0, maximum: MAX_PRICE })

const exponents = new Map<string, number>()

/** ISO 4217's number of decimals for a currency code; throws for a code ISO 4217 does not list. */
export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency)
  if (exponent === undefined) {
    exponent = currencyCodes.code(currency)?.digits
    if (exponent === undefined) throw new Error(`${currency} is not an ISO 4217 currency`)
    exponents.set(currency, exponent)
  }
  return exponent
}

/** 19.99 USD → 1999; 1000 JPY → 1000. Floating point never reaches the database. */
export function toMinorUnits(price: number, currency: string): number {
  return Math.round(price * 10 ** currencyExponent(currency))
}

/** 1999 USD → 19.99; 1000 JPY → 1000. */
export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency)
}

/**
 * The decimals rule: at most as many as the currency has. Checked by hand because JSON Schema's multipleOf
 * cannot state it exactly for binary floats.
 */
export function priceDecimalsError(price: number, currency: string, field = 'price'): ErrorItem | undefined {
  const exponent = currencyExponent(currency)
  const minor = price * 10 ** exponent
  if (Math.abs(minor - Math.round(minor)) <= 1e-6) return undefined
  const message =
    exponent === 0
      ? `Price must be a whole number of ${currency}`
      : `Price must have at most ${exponent} decimals`
  return { field, message }
}
