import type { EventTables } from '@ticketing/common'
import type { EventReplicaTable } from '../catalogue/event-replica.table.js'
import type { IdempotencyKeyTable, OrderTable } from '../orders/order.table.js'
import type { TicketReplicaTable } from '../tickets/ticket-replica.table.js'

export interface Database extends EventTables {
  orders: OrderTable
  ticket_replicas: TicketReplicaTable
  event_replicas: EventReplicaTable
  idempotency_keys: IdempotencyKeyTable
}
