import type { Selectable } from 'kysely'

export type OrderStatus = 'created' | 'awaiting:payment' | 'cancelled' | 'complete'

export interface OrderReplicaTable {
  id: string
  user_id: string
  /** Minor units: what the buyer agreed to pay when they reserved the ticket, fees included. */
  total: number
  currency: string
  status: OrderStatus
  ticket_id: string | null
  event_id: string | null
  /** Who sells the ticket, and what they receive of the sale (minor units); null for orders before payouts. */
  seller_id: string | null
  seller_net: number | null
  expires_at: Date
  version: number
}

export type OrderReplicaRow = Selectable<OrderReplicaTable>
