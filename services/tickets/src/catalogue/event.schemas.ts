import Type, { type Static } from 'typebox'
import {
  EventStatusSchema,
  MAX_PRICE,
  pageQuery,
  PriceCapSchema,
  toMajorUnits,
  ValidationError,
  type ErrorItem,
} from '@ticketing/common'
import { priceCapOf } from './price-cap.js'
import type { EventWithListings, NewEventRow } from './event.table.js'

const Category = Type.Union([
  Type.Literal('concert'),
  Type.Literal('sports'),
  Type.Literal('theatre'),
  Type.Literal('comedy'),
  Type.Literal('festival'),
  Type.Literal('other'),
])

/**
 * The body of POST and PUT (admin). The schema states the shape; checkEventInput the rules, every broken one
 * reported at once. PUT may also postpone an event or put it back on schedule; cancelling has its own route.
 */
export const EventInput = Type.Object({
  name: Type.String(),
  venue: Type.String(),
  city: Type.String(),
  startsAt: Type.String({ title: 'Start' }),
  timezone: Type.String({ title: 'Time zone' }),
  category: Category,
  performer: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  imageUrl: Type.Optional(Type.String({ title: 'Image URL' })),
  priceCap: Type.Optional(PriceCapSchema),
  status: Type.Optional(Type.Union([Type.Literal('scheduled'), Type.Literal('postponed')])),
})
export type EventInput = Static<typeof EventInput>

export const EventIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const ListEventsQuery = Type.Object({
  ...pageQuery,
  /** Words of the name, performer, venue or city, in any order. */
  q: Type.Optional(Type.String({ maxLength: 100, title: 'Search text' })),
  city: Type.Optional(Type.String({ maxLength: 100, title: 'City' })),
  category: Type.Optional(Category),
  /** Events on or after this day, in each event's own time zone. */
  from: Type.Optional(Type.String({ format: 'date', title: 'From date' })),
  /** Events on or before this day, in each event's own time zone. */
  to: Type.Optional(Type.String({ format: 'date', title: 'To date' })),
})
export type ListEventsQuery = Static<typeof ListEventsQuery>

export const EventTicketsQuery = Type.Object({
  ...pageQuery,
  /** All-in: the price with the buyer's fee. */
  maxPrice: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_PRICE, title: 'Highest price' })),
  section: Type.Optional(Type.String({ maxLength: 40, title: 'Section' })),
})

export const Event = Type.Object({
  id: Type.String(),
  name: Type.String(),
  performer: Type.Optional(Type.String()),
  venue: Type.String(),
  city: Type.String(),
  country: Type.Optional(Type.String()),
  startsAt: Type.String(),
  /** Present once the event was moved: the start first announced. */
  firstStartsAt: Type.Optional(Type.String()),
  timezone: Type.String(),
  category: Category,
  status: EventStatusSchema,
  imageUrl: Type.Optional(Type.String()),
  priceCap: PriceCapSchema,
  version: Type.Integer(),
  /** Its tickets on sale now: how many, and the lowest price a buyer pays (major units). */
  listings: Type.Object({
    count: Type.Integer(),
    lowestPrice: Type.Union([Type.Number(), Type.Null()]),
    currency: Type.String(),
  }),
})
export type Event = Static<typeof Event>

export function eventJson(event: EventWithListings, currency: string): Event {
  return {
    id: event.id,
    name: event.name,
    ...(event.performer !== null && { performer: event.performer }),
    venue: event.venue,
    city: event.city,
    ...(event.country !== null && { country: event.country }),
    startsAt: event.starts_at.toISOString(),
    ...(event.first_starts_at !== null && { firstStartsAt: event.first_starts_at.toISOString() }),
    timezone: event.timezone,
    category: event.category,
    status: event.status,
    ...(event.image_url !== null && { imageUrl: event.image_url }),
    priceCap: priceCapOf(event),
    version: event.version,
    listings: {
      count: event.listing_count,
      lowestPrice: event.lowest_price === null ? null : toMajorUnits(event.lowest_price, currency),
      currency,
    },
  }
}

/** Whether the runtime knows the zone: Intl refuses a name it does not (and accepts any letter case). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return name.length <= 64
  } catch {
    return false
  }
}

/** The zone as IANA spells it ("europe/london" → "Europe/London"). */
function canonicalTimeZone(name: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
}

/** An instant with its offset or Z, to the millisecond at most: what `startsAt` must be. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

function textRule(
  errors: ErrorItem[],
  field: string,
  subject: string,
  value: string | undefined,
  max: number,
) {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  const length = [...trimmed].length
  if (length === 0) errors.push({ field, message: `${subject} is required` })
  else if (length > max) errors.push({ field, message: `${subject} must be at most ${max} characters` })
  return trimmed
}

/**
 * The event rules, every broken one reported at once: names of 1–200 characters once trimmed (city 1–100), a
 * start instant with its offset, an IANA time zone, a two-letter country code, an http(s) image URL, and a
 * percent with face_plus only. `isNew`: a new event must start in the future.
 */
export function checkEventInput(
  input: EventInput,
  isNew: boolean,
): NewEventRow & { status?: 'scheduled' | 'postponed' } {
  const errors: ErrorItem[] = []
  const name = textRule(errors, 'name', 'Name', input.name, 200)!
  const venue = textRule(errors, 'venue', 'Venue', input.venue, 200)!
  const city = textRule(errors, 'city', 'City', input.city, 100)!
  const performer = input.performer?.trim()
    ? textRule(errors, 'performer', 'Performer', input.performer, 200)
    : undefined

  const startsAt = new Date(input.startsAt)
  if (!ISO_INSTANT.test(input.startsAt) || Number.isNaN(startsAt.getTime())) {
    errors.push({
      field: 'startsAt',
      message: 'Start must be a date and time with its offset, like 2027-05-01T19:30:00+01:00',
    })
  } else if (startsAt.getUTCFullYear() < 2000 || startsAt.getUTCFullYear() > 9999) {
    errors.push({ field: 'startsAt', message: 'Start must be between the years 2000 and 9999' })
  } else if (isNew && startsAt.getTime() <= Date.now()) {
    errors.push({ field: 'startsAt', message: 'Start must be in the future' })
  }
  if (!isTimeZone(input.timezone)) {
    errors.push({ field: 'timezone', message: 'Time zone must be an IANA name, like Europe/London' })
  }
  const country = input.country?.trim() ? input.country.trim().toUpperCase() : undefined
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) {
    errors.push({ field: 'country', message: 'Country must be a two-letter code, like GB' })
  }
  const imageUrl = input.imageUrl?.trim() || undefined
  if (imageUrl !== undefined && (imageUrl.length > 2000 || !isHttpUrl(imageUrl))) {
    errors.push({
      field: 'imageUrl',
      message: 'Image URL must be an http or https address of at most 2,000 characters',
    })
  }
  const cap = input.priceCap ?? { kind: 'none' as const }
  if (cap.kind === 'face_plus' && cap.percent === undefined) {
    errors.push({ field: 'priceCap.percent', message: 'A cap above face value needs its percent' })
  }
  if (errors.length > 0) throw new ValidationError(errors)
  return {
    id: crypto.randomUUID(),
    name,
    venue,
    city,
    performer: performer ?? null,
    country: country ?? null,
    starts_at: startsAt,
    timezone: canonicalTimeZone(input.timezone),
    category: input.category,
    image_url: imageUrl ?? null,
    price_cap_kind: cap.kind,
    price_cap_percent: cap.kind === 'face_plus' ? (cap.percent ?? null) : null,
    ...(input.status !== undefined && { status: input.status }),
  }
}
