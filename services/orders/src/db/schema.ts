import type { EventTables } from '@ticketing/common'
import type { IdempotencyKeyTable, OrderTable } from '../orders/order.table.js'
import type { TicketReplicaTable } from '../tickets/ticket-replica.table.js'

export interface Database extends EventTables {
  orders: OrderTable
  ticket_replicas: TicketReplicaTable
  idempotency_keys: IdempotencyKeyTable
}
