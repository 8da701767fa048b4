import type { EventTables } from '@ticketing/common'
import type { EventTable } from '../catalogue/event.table.js'
import type { CancelledOrderTable, TicketTable } from '../tickets/ticket.table.js'

export interface Database extends EventTables {
  events: EventTable
  tickets: TicketTable
  cancelled_orders: CancelledOrderTable
}
