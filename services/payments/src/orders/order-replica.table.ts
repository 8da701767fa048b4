import type { Selectable } from 'kysely'

export type OrderStatus = 'created' | 'awaiting:payment' | 'cancelled' | 'complete'

export interface OrderReplicaTable {
  id: string
  user_id: string
  /** Minor units: what the buyer agreed to pay when they reserved the ticket, fees included. */
  total: number
  currency: string
  status: OrderStatus
  expires_at: Date
  version: number
}

export type OrderReplicaRow = Selectable<OrderReplicaTable>
