import type { Generated, Selectable } from 'kysely'

export type CustodyKind = 'listed' | 'sold' | 'transferred'

/** One step of a ticket's custody: listed (by `from_user`), sold (to `to_user`), or given (to `to_user`). */
export interface CustodyEventTable {
  id: Generated<number>
  ticket_id: string
  kind: CustodyKind
  at: Generated<Date>
  /** Minor units: the listing's or the sale's price; null for a transfer. */
  price: number | null
  currency: string | null
  from_user: string | null
  to_user: string | null
}

export type CustodyEventRow = Selectable<CustodyEventTable>
