import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export type EventCategory = 'concert' | 'sports' | 'theatre' | 'comedy' | 'festival' | 'other'
export type EventStatus = 'scheduled' | 'postponed' | 'cancelled'
export type PriceCapKind = 'none' | 'face' | 'face_plus'

export interface EventTable {
  id: string
  name: string
  performer: string | null
  venue: string
  city: string
  /** ISO 3166-1 alpha-2. */
  country: string | null
  starts_at: Date
  /** The start first announced, once the event has been moved to another; null while it keeps it. */
  first_starts_at: Generated<Date | null>
  /** IANA name: the zone the start is shown in. */
  timezone: string
  category: EventCategory
  status: Generated<EventStatus>
  image_url: string | null
  price_cap_kind: Generated<PriceCapKind>
  /** With face_plus only. */
  price_cap_percent: number | null
  /** Up by one with every saved change. */
  version: Generated<number>
  created_at: ColumnType<Date, never, never>
  search_text: ColumnType<string, never, never>
}

export type EventRow = Selectable<EventTable>
export type NewEventRow = Insertable<EventTable>
export type EventUpdate = Omit<Updateable<EventTable>, 'id' | 'version'>

/** An event with its tickets on sale counted: what the API shows. */
export interface EventWithListings extends EventRow {
  listing_count: number
  /** Minor units; null with nothing on sale. */
  lowest_price: number | null
}
