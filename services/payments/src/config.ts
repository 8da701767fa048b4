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
  return config
}
