import type { ColumnType, Selectable } from 'kysely'

/**
 * An attempt's life: `pending` (recorded, the gateway has not answered), `requires_action` (the bank asks the
 * buyer to authenticate), `authorized` (held on the card, announced to orders), then `captured` (orders
 * completed the order) or `voided` (it could not); `declined` ends an attempt the card refused, `refunded` one
 * whose captured money was given back.
 */
export type PaymentStatus =
  'pending' | 'requires_action' | 'authorized' | 'captured' | 'declined' | 'voided' | 'refunded'

/** A gateway call still owed for an attempt, written in a listener's transaction and done by the reconciler. */
export type Settlement = 'capture' | 'void' | 'refund'

export interface PaymentTable {
  id: string
  order_id: string
  amount: number
  currency: string
  /** The gateway's id for the attempt (a Stripe PaymentIntent); null until the gateway has opened it. */
  gateway_charge_id: string | null
  status: PaymentStatus
  client_secret: ColumnType<string | null, string | null | undefined, string | null>
  decline_reason: ColumnType<string | null, string | null | undefined, string | null>
  settle: ColumnType<Settlement | null, Settlement | null | undefined, Settlement | null>
  lease_until: ColumnType<Date | null, never, Date | null>
  created_at: ColumnType<Date, never, never>
  updated_at: ColumnType<Date, never, Date>
}

export type PaymentRow = Selectable<PaymentTable>

export interface WebhookEventTable {
  id: string
  type: string
  received_at: ColumnType<Date, never, never>
}
