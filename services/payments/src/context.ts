import type { ServiceMetrics } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import type { PaymentGateway } from './gateways/payment-gateway.js'

export interface PaymentsContext {
  db: Kysely<Database>
  config: Config
  gateway: PaymentGateway
  /** The app's metrics, where payment outcomes are counted (left out, nothing is counted). */
  metrics?: ServiceMetrics
}
