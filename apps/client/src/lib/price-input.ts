/**
 * A price as a person types it, read as they mean it or refused with a reason: never a guess. `Number()`
 * alone reads "12,50" as nothing and, with commas stripped, as 1250; it takes "1e3" as 1000 and "0x10" as 16.
 *
 * - Digits, with at most one decimal separator, a point or a comma: "12.50", "12,50", "12,5".
 * - Thousands separators (a comma, a point, a space or an apostrophe, between groups of three digits) only
 *   where they cannot be read as decimals: "1,250,000", "1.250,50", "1 250". "1,250" or "1.250" alone could
 *   be either, so it is refused with the two readings to choose from.
 * - A currency sign or code around it is allowed ("$12", "12 USD"); a sign, an exponent, hex or any other
 *   character is not.
 */
export type PriceReading = { ok: true; amount: number } | { ok: false; message: string }

const CURRENCY_AROUND = /^(?:[$€£¥]|[A-Z]{3}\s)?\s*(.*?)\s*(?:[$€£¥]|\s[A-Z]{3})?$/i
/** Groups of three after a first group of one to three, one separator kind throughout. */
const GROUPED = /^[1-9]\d{0,2}(?:([,. '\u00a0\u202f])\d{3})(?:\1\d{3})*$/

export function readPrice(text: string, decimals = 2): PriceReading {
  const typed = CURRENCY_AROUND.exec(text.trim())?.[1] ?? ''
  if (typed === '') return { ok: false, message: 'Enter a price, such as 25 or 19.99' }
  if (!/^\d[\d.,' \u00a0\u202f]*$/.test(typed)) {
    return { ok: false, message: 'Use digits only, such as 25 or 19.99' }
  }

  // The decimal separator, if any: the last point or comma, used once, with only digits after it.
  let whole = typed
  let fraction = ''
  const at = Math.max(typed.lastIndexOf('.'), typed.lastIndexOf(','))
  if (at > 0) {
    const separator = typed[at]!
    const before = typed.slice(0, at)
    const after = typed.slice(at + 1)
    const once = typed.indexOf(separator) === at
    if (once && /^\d+$/.test(after)) {
      const plainBefore = /^[1-9]\d{0,2}$/.test(before)
      if (after.length === 3 && plainBefore) {
        const thousands = Number(before + after)
        const decimal = Number(`${before}.${after}`)
        const decimalFits = after.replace(/0+$/, '').length <= decimals
        return {
          ok: false,
          message: decimalFits
            ? `Did you mean ${thousands.toLocaleString('en-US')} or ${decimal}? Write ${thousands} or ${decimal.toFixed(decimals)}`
            : `Did you mean ${thousands.toLocaleString('en-US')}? Write ${thousands} (a price has at most ${decimals} decimals)`,
        }
      }
      // Three digits after it are decimals only beside thousands of the other kind ("1.250,500"), or after 0.
      if (after.length !== 3 || before === '0' || before.includes(separator === '.' ? ',' : '.')) {
        whole = before
        fraction = after
      }
    }
  }

  const digits = /^\d+$/.test(whole) ? whole : GROUPED.test(whole) ? whole.replace(/\D/g, '') : undefined
  if (digits === undefined) {
    return { ok: false, message: 'Group thousands in threes (1,250,000) or leave them out (1250000)' }
  }
  if (fraction.length > decimals) {
    return {
      ok: false,
      message: decimals === 0 ? 'Enter a whole amount' : `Use at most ${decimals} decimals, such as 19.99`,
    }
  }
  const amount = Number(`${digits}.${fraction || '0'}`)
  if (!Number.isFinite(amount) || amount > Number.MAX_SAFE_INTEGER) {
    return { ok: false, message: 'That amount is too large' }
  }
  return { ok: true, amount }
}
