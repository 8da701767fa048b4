import type { ColumnType, Selectable } from 'kysely'

export type PaymentStatus = 'succeeded' | 'refunded'

export interface PaymentTable {
  id: string
  order_id: string
  amount: number
  currency: string
  gateway_charge_id: string
  status: PaymentStatus
  created_at: ColumnType<Date, never, never>
}

export type PaymentRow = Selectable<PaymentTable>
