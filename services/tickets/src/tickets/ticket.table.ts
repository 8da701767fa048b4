import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

export interface TicketTable {
  id: string
  title: string
  /** Minor units (cents) of `currency`. */
  price: number
  currency: string
  /** The seller. */
  user_id: string
  /** Up by one with every saved change, reservations and releases included. */
  version: Generated<number>
  /** The order holding the ticket (reserved, or sold to it); null while it is for sale. */
  order_id: string | null
  /** When the holding order completed: the sale is final, the ticket is off sale for good. */
  sold_at: Date | null
  /** The event of the catalogue this is a ticket for; null for a listing without one. */
  event_id: Generated<string | null>
  section: Generated<string | null>
  row: Generated<string | null>
  seat: Generated<string | null>
  /** Minor units: the price printed on the ticket, which an event's price cap is measured against. */
  face_value: Generated<number | null>
  /** Minor units: what a buyer pays on top of the price (all-in: price + buyer_fee), fixed with the price. */
  buyer_fee: number
  /** Minor units: what the marketplace keeps of the price; the seller receives price − seller_fee. */
  seller_fee: number
  /** Who holds it now: the seller while listed or withdrawn, the buyer once sold, a recipient after a transfer. */
  holder_id: string | null
  /** Up by one each time it changes hands: a credential of an earlier holding is superseded. */
  holding: Generated<number>
  /** When it was taken off sale (its event was cancelled); null while it can be on sale. */
  withdrawn_at: Generated<Date | null>
  created_at: ColumnType<Date, never, never>
}

export type TicketRow = Selectable<TicketTable>
export type NewTicketRow = Insertable<TicketTable>
/** What a saved change may set; the version is bumped by the repository, never set by hand. */
export type TicketUpdate = Omit<Updateable<TicketTable>, 'id' | 'version'>

export interface CancelledOrderTable {
  order_id: string
  cancelled_at: ColumnType<Date, never, never>
}
