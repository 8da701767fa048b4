import {
  buildServiceApp,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceOptions,
} from '@ticketing/common'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import type { PaymentGateway } from './gateways/payment-gateway.js'
import { payoutRoutes } from './payouts/payout.routes.js'
import { paymentRoutes } from './payments/payment.routes.js'
import { webhookRoutes } from './payments/webhook.routes.js'

export interface AppDependencies extends ServiceDependencies<Database> {
  config: Config
  gateway: PaymentGateway
  logger?: ServiceOptions['logger']
}

/** The payments service as a Fastify instance that never listens: main.ts listens, tests inject. */
export async function buildApp(deps: AppDependencies): Promise<ServiceInstance> {
  const app = await buildServiceApp('payments', deps)
  const ctx = { db: deps.db, config: deps.config, gateway: deps.gateway, metrics: app.metrics }
  await app.register(webhookRoutes, { prefix: '/api/payments/webhooks', ctx })
  await app.register(payoutRoutes, { prefix: '/api/payments/payouts', ctx })
  await app.register(paymentRoutes, { prefix: '/api/payments', ctx })
  return app
}
