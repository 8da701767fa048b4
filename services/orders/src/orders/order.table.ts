import type { ColumnType, Generated, Selectable } from 'kysely'
import type { CancelReason, OrderStatus } from './order-status.js'

export interface OrderTable {
  id: string
  user_id: string
  ticket_id: string
  ticket_title: string
  /** Minor units: the ticket's price when the order was placed. */
  price: number
  /** Minor units: the buyer's fee on it; the order's total, what is charged, is price + buyer_fee. */
  buyer_fee: number
  /** Who sold the ticket (null for orders placed before payouts), and the marketplace's fee on the price. */
  seller_id: Generated<string | null>
  seller_fee: Generated<number>
  currency: string
  status: OrderStatus
  cancel_reason: CancelReason | null
  expires_at: Date
  /** When its ticket, bought by this order, went on sale again (relisted by its buyer); null until then. */
  resold_at: Generated<Date | null>
  /** The event of its ticket, if it has one. */
  event_id: string | null
  version: number
  created_at: ColumnType<Date, never, never>
}

export type OrderRow = Selectable<OrderTable>

export interface IdempotencyKeyTable {
  user_id: string
  key: string
  request_hash: string
  status_code: number
  response: ColumnType<unknown, string, string>
  created_at: ColumnType<Date, never, never>
}
