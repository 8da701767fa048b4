import type { EventTables } from '@ticketing/common'
import type { EventTable } from '../catalogue/event.table.js'
import type { CustodyEventTable } from '../holdings/custody.table.js'
import type { UserReplicaTable } from '../sellers/user-replica.js'
import type { CancelledOrderTable, TicketTable } from '../tickets/ticket.table.js'

export interface Database extends EventTables {
  events: EventTable
  tickets: TicketTable
  user_replicas: UserReplicaTable
  cancelled_orders: CancelledOrderTable
  custody_events: CustodyEventTable
}
