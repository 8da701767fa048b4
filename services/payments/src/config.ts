import Type, { type Static } from 'typebox'
import { authEnv, busEnv, commonEnv, ConfigError, databaseEnv, loadConfig, portEnv } from '@ticketing/common'

export const configSchema = Type.Object({
  ...commonEnv,
  ...databaseEnv,
  ...busEnv,
  ...authEnv,
  ...portEnv('payments'),
  /** Who charges cards: the deterministic sandbox (development, tests) or Stripe. */
  PAYMENT_GATEWAY: Type.Union([Type.Literal('sandbox'), Type.Literal('stripe')], { default: 'sandbox' }),
  /** Stripe's secret API key; required with PAYMENT_GATEWAY=stripe. */
  STRIPE_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Verifies Stripe's webhook events (`whsec_…`); without it POST /api/payments/webhooks/stripe answers 404. */
  STRIPE_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  /** How often the reconciler looks for gateway calls owed and attempts with no known outcome. */
  RECONCILE_INTERVAL_MS: Type.Integer({ minimum: 50, default: 1000 }),
  /**
   * When a pending attempt is looked up at the gateway: well after its request must have ended (the Stripe
   * client's timeout times its retries), so the reconciler never races a buyer's own request.
   */
  RECONCILE_PENDING_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  /** How often an attempt waiting for 3-D Secure is looked up, in case the buyer finished it without telling us. */
  RECONCILE_ACTION_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 10 }),
  /** How long a failed gateway call waits before it is tried again; also the lease on an attempt being worked. */
  RECONCILE_RETRY_SECONDS: Type.Integer({ minimum: 1, default: 15 }),
  /** How long after its event starts a sale's payout is released to the seller (at once without an event). */
  PAYOUT_DELAY_HOURS: Type.Number({ minimum: 0, default: 72 }),
  /** How often the payout job releases and pays what is due. */
  PAYOUT_INTERVAL_MS: Type.Integer({ minimum: 50, default: 60_000 }),
  /** The sandbox takes no money: in production it runs only when this says so (a staging site, say). */
  ALLOW_SANDBOX_IN_PRODUCTION: Type.Boolean({ default: false }),
})

export type Config = Static<typeof configSchema>

export function readConfig(env?: Record<string, string | undefined>): Config {
  const config = loadConfig(configSchema, env)
  // A schema cannot say "required when another variable is stripe"; failing here beats failing at the first charge.
  if (config.PAYMENT_GATEWAY === 'stripe' && !config.STRIPE_SECRET_KEY) {
    throw new ConfigError([
      { variable: 'STRIPE_SECRET_KEY', message: 'is required when PAYMENT_GATEWAY is stripe' },
    ])
  }
  // A production site that forgot PAYMENT_GATEWAY would hand out tickets for test cards.
  if (
    config.NODE_ENV === 'production' &&
    config.PAYMENT_GATEWAY === 'sandbox' &&
    !config.ALLOW_SANDBOX_IN_PRODUCTION
  ) {
    throw new ConfigError([
      {
        variable: 'PAYMENT_GATEWAY',
        message:
          'is sandbox in production: set it to stripe, or ALLOW_SANDBOX_IN_PRODUCTION=true for a site without real money',
      },
    ])
  }
  return config
}
