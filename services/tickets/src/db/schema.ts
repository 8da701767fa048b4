import type { EventTables } from '@ticketing/common'
import type { CancelledOrderTable, TicketTable } from '../tickets/ticket.table.js'

export interface Database extends EventTables {
  tickets: TicketTable
  cancelled_orders: CancelledOrderTable
}
