import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { PaymentGateway } from './payment-gateway.js'
import { SandboxGateway, type SandboxLedger } from './sandbox-gateway.js'
import { StripeGateway } from './stripe-gateway.js'

/** The gateway PAYMENT_GATEWAY names (readConfig has made sure Stripe has its key). */
export function createGateway(config: Config, db: Kysely<SandboxLedger>): PaymentGateway {
  if (config.PAYMENT_GATEWAY === 'stripe') return new StripeGateway({ secretKey: config.STRIPE_SECRET_KEY! })
  return new SandboxGateway(db)
}
