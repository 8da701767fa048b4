import type { ColumnType, Selectable } from 'kysely'

/**
 * A payout's life: `pending` from the sale's completion, `releasable` once PAYOUT_DELAY_HOURS have passed
 * since its event started (at once for a ticket without event), `paid` once the payout job has paid it;
 * `cancelled` if the sale was refunded before it was paid.
 */
export type PayoutStatus = 'pending' | 'releasable' | 'paid' | 'cancelled'

export interface PayoutTable {
  id: string
  order_id: string
  seller_id: string
  ticket_id: string | null
  event_id: string | null
  /** Minor units: the seller's net of the sale (price − seller's fee). */
  amount: number
  currency: string
  status: ColumnType<PayoutStatus, PayoutStatus | undefined, PayoutStatus>
  created_at: ColumnType<Date, never, never>
  paid_at: ColumnType<Date | null, never, Date | null>
  /** The gateway's id for the payment to the seller, once paid. */
  transfer_id: ColumnType<string | null, never, string | null>
}

export type PayoutRow = Selectable<PayoutTable>

/** Where a seller's payouts go at the gateway. */
export interface SellerAccountTable {
  seller_id: string
  gateway_account_id: string
  created_at: ColumnType<Date, never, never>
}
