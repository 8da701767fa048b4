import type { EventTables } from '@ticketing/common'
import type { SandboxLedger } from '../gateways/sandbox-gateway.js'
import type { EventReplicaTable } from '../catalogue/event-replica.js'
import type { OrderReplicaTable } from '../orders/order-replica.table.js'
import type { PayoutTable, SellerAccountTable } from '../payouts/payout.table.js'
import type { PaymentTable, WebhookEventTable } from '../payments/payment.table.js'

export interface Database extends EventTables, SandboxLedger {
  order_replicas: OrderReplicaTable
  payments: PaymentTable
  webhook_events: WebhookEventTable
  event_replicas: EventReplicaTable
  payouts: PayoutTable
  seller_accounts: SellerAccountTable
}
