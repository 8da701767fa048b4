import type { ColumnType, Selectable } from 'kysely'

export type OrderStatus = 'created' | 'awaiting:payment' | 'cancelled' | 'complete'
export type CancelReason = 'user' | 'expired' | 'ticket_changed' | 'payment_refused'

/** The statuses in which an order holds its ticket; the unique index counts exactly these. */
export const ACTIVE_STATUSES = ['created', 'awaiting:payment', 'complete'] as const satisfies OrderStatus[]
/** Active and still waiting for a payment: may expire or be cancelled. */
export const OPEN_STATUSES = ['created', 'awaiting:payment'] as const satisfies OrderStatus[]

export interface OrderTable {
  id: string
  user_id: string
  ticket_id: string
  ticket_title: string
  price: number
  currency: string
  status: OrderStatus
  cancel_reason: CancelReason | null
  expires_at: Date
  version: number
  created_at: ColumnType<Date, never, never>
}

export type OrderRow = Selectable<OrderTable>

export interface IdempotencyKeyTable {
  user_id: string
  key: string
  request_hash: string
  status_code: number
  response: ColumnType<unknown, string, never>
  created_at: ColumnType<Date, never, never>
}
