import { formatMinorUnits, type PriceCap } from '@ticketing/common'
import type { EventRow } from './event.table.js'

export function priceCapOf(event: Pick<EventRow, 'price_cap_kind' | 'price_cap_percent'>): PriceCap {
  return event.price_cap_kind === 'face_plus'
    ? { kind: 'face_plus', percent: event.price_cap_percent ?? 0 }
    : { kind: event.price_cap_kind }
}

/**
 * The highest price (minor units) a ticket of this face value may be listed at, or undefined without a cap.
 * face_plus rounds down to the minor unit, so the cap is never exceeded by rounding.
 */
export function highestPriceUnder(cap: PriceCap, faceValue: number): number | undefined {
  if (cap.kind === 'none') return undefined
  if (cap.kind === 'face') return faceValue
  return faceValue + Math.floor((faceValue * (cap.percent ?? 0)) / 100)
}

/** "face value", "face value + 10%": how the cap reads in a message. */
export function describeCap(cap: PriceCap): string {
  return cap.kind === 'face_plus' ? `face value + ${cap.percent}%` : 'face value'
}

/**
 * The message of a price over the cap, naming the cap and the highest price it allows:
 * "Price must be at most 55.00 USD: resale of this event is capped at face value + 10%".
 */
export function overCapMessage(cap: PriceCap, highest: number, currency: string): string {
  return `Price must be at most ${formatMinorUnits(highest, currency)} ${currency}: resale of this event is capped at ${describeCap(cap)}`
}
