import type { OrderStatus } from './types'

// One fixed locale, so the server's HTML and the browser's render agree.
const LOCALE = 'en-US'
const moneyFormats = new Map<string, Intl.NumberFormat>()

/** 19.99 + "USD" → "$19.99". */
export function formatMoney(amount: number, currency: string): string {
  let format = moneyFormats.get(currency)
  if (!format) {
    try {
      format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency })
    } catch {
      return `${amount.toFixed(2)} ${currency}`
    }
    moneyFormats.set(currency, format)
  }
  return format.format(amount)
}

/** a − b in major units, exact to the currency's smallest unit (27.5 − 25 is 2.5, never 2.4999…). */
export function moneyDifference(a: number, b: number, currency: string): number {
  let digits = 2
  try {
    digits =
      new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
  } catch {
    // an unknown currency: cents
  }
  const scale = 10 ** digits
  return (Math.round(a * scale) - Math.round(b * scale)) / scale
}

const dateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' })

export function formatDate(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date)
}

/** Seconds → "14:59", or "1:02:03" past an hour. */
export function formatCountdown(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m)
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`
}

export const ORDER_STATUS_LABEL: Record<OrderStatus, string> = {
  created: 'Awaiting payment',
  'awaiting:payment': 'Awaiting payment',
  complete: 'Paid',
  cancelled: 'Cancelled',
}

export const ORDER_STATUS_TONE: Record<OrderStatus, string> = {
  created: 'warning',
  'awaiting:payment': 'warning',
  complete: 'success',
  cancelled: 'neutral',
}

export function isActiveOrder(status: OrderStatus): boolean {
  return status === 'created' || status === 'awaiting:payment'
}

/**
 * An event's start in its own time zone, as people there read it: "Sat, May 1, 2027, 7:30 PM BST". An event is
 * when it is where it happens, whatever the visitor's zone.
 */
export function formatEventTime(iso: string, timeZone: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  try {
    return new Intl.DateTimeFormat(LOCALE, {
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    }).format(date)
  } catch {
    return dateFormat.format(date)
  }
}

export const CATEGORY_LABEL: Record<string, string> = {
  concert: 'Concerts',
  sports: 'Sports',
  theatre: 'Theatre',
  comedy: 'Comedy',
  festival: 'Festivals',
  other: 'Other',
}

/** "face value", "face value + 10%": an event's resale cap in words. */
export function describeCap(cap: {
  kind: 'none' | 'face' | 'face_plus'
  percent?: number
}): string | undefined {
  if (cap.kind === 'none') return undefined
  return cap.kind === 'face' ? 'face value' : `face value + ${cap.percent ?? 0}%`
}
