/**
 * Wall-clock times in an event's own zone, both ways: what a form's `datetime-local` shows and the instant
 * the API stores. An event at 19:30 in London is at 19:30 there whatever the admin's own zone.
 */
function partsIn(ms: number, timeZone: string): Record<string, number> {
  return Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(ms)
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  )
}

/** "2027-05-01T19:30" in `timeZone` → the ISO instant, or undefined if either is not valid. */
export function instantOf(local: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local)
  if (!match) return undefined
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number]
  const asIfUtc = Date.UTC(y, mo - 1, d, h, mi)
  try {
    const read = partsIn(asIfUtc, timeZone)
    const offset = Date.UTC(read.year!, read.month! - 1, read.day, read.hour, read.minute) - asIfUtc
    return new Date(asIfUtc - offset).toISOString()
  } catch {
    return undefined
  }
}

/** An ISO instant → "2027-05-01T19:30" as clocks in `timeZone` read it. */
export function localOf(iso: string, timeZone: string): string {
  try {
    const p = partsIn(new Date(iso).getTime(), timeZone)
    const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0')
    return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`
  } catch {
    return ''
  }
}
