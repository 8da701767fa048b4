import type { Config } from '../config.js'
import type { PaymentGateway } from './payment-gateway.js'
import { SandboxGateway } from './sandbox-gateway.js'
import { StripeGateway } from './stripe-gateway.js'

/** The gateway PAYMENT_GATEWAY names (readConfig has made sure Stripe has its key). */
export function createGateway(config: Config): PaymentGateway {
  if (config.PAYMENT_GATEWAY === 'stripe') return new StripeGateway({ secretKey: config.STRIPE_SECRET_KEY! })
  return new SandboxGateway()
}
