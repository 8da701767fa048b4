import type { Selectable } from 'kysely'

export interface TicketReplicaTable {
  id: string
  title: string
  /** Minor units. */
  price: number
  /** Minor units: what a buyer pays on top of the price. */
  buyer_fee: number
  /** Minor units: what the marketplace keeps of the price. */
  seller_fee: number
  currency: string
  user_id: string
  order_id: string | null
  /** As tickets last announced it; null in replicas made before the catalogue (on sale unless held). */
  status: 'available' | 'reserved' | 'sold' | 'withdrawn' | null
  event_id: string | null
  version: number
}

export type TicketReplicaRow = Selectable<TicketReplicaTable>
