import type { EventTables } from '@ticketing/common'
import type { OrderReplicaTable } from '../orders/order-replica.table.js'
import type { PaymentTable } from '../payments/payment.table.js'

export interface Database extends EventTables {
  order_replicas: OrderReplicaTable
  payments: PaymentTable
}
