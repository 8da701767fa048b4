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
export function priceDecimalsError(
  price: number,
  currency: string,
  field = 'price',
  subject = 'Price',
): ErrorItem | undefined {
  const exponent = currencyExponent(currency)
  const minor = price * 10 ** exponent
  // A non-zero amount smaller than the currency's smallest unit (1e-166) is within the tolerance of 0, yet it
  // has more decimals than the currency: it would be stored as nothing.
  const whole = Math.abs(minor - Math.round(minor)) <= 1e-6 && (price === 0 || Math.round(minor) !== 0)
  if (whole) return undefined
  const message =
    exponent === 0
      ? `${subject} must be a whole number of ${currency}`
      : `${subject} must have at most ${exponent} decimals`
  return { field, message }
}

/**
 * Stripe's smallest charge per settlement currency, in major units
 * (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts). Below it Stripe refuses the
 * charge, so a price below it could be listed and reserved but never paid.
 */
const GATEWAY_MINIMUMS: Readonly<Record<string, number>> = {
  USD: 0.5,
  AED: 2,
  AUD: 0.5,
  BGN: 1,
  BRL: 0.5,
  CAD: 0.5,
  CHF: 0.5,
  CZK: 15,
  DKK: 2.5,
  EUR: 0.5,
  GBP: 0.3,
  HKD: 4,
  HUF: 175,
  INR: 0.5,
  JPY: 50,
  MXN: 10,
  MYR: 2,
  NOK: 3,
  NZD: 0.5,
  PLN: 2,
  RON: 2,
  SEK: 3,
  SGD: 0.5,
  THB: 10,
}

/**
 * The smallest amount a card payment may be, in minor units: 50 for USD, 50 for JPY, 17500 for HUF. A
 * currency Stripe's table does not list gets half a major unit (at least one minor unit): a floor against
 * sub-cent prices, not a conversion of Stripe's USD minimum, which would need an exchange rate.
 */
export function minimumCharge(currency: string): number {
  const major = GATEWAY_MINIMUMS[currency] ?? 0.5
  return Math.max(1, toMinorUnits(major, currency))
}

/** 1999 USD → "19.99"; 50 JPY → "50"; 17500 HUF → "175.00": as many decimals as the currency has. */
export function formatMinorUnits(minor: number, currency: string): string {
  return toMajorUnits(minor, currency).toFixed(currencyExponent(currency))
}

/** A price (major units) below the gateway's minimum for its currency: "Price must be at least 0.50 USD". */
export function priceMinimumError(price: number, currency: string, field = 'price'): ErrorItem | undefined {
  const minimum = minimumCharge(currency)
  if (toMinorUnits(price, currency) >= minimum) return undefined
  return { field, message: `Price must be at least ${formatMinorUnits(minimum, currency)} ${currency}` }
}
