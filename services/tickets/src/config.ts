import Type, { type Static } from 'typebox'
import {
  authEnv,
  busEnv,
  commonEnv,
  ConfigError,
  currencyExponent,
  databaseEnv,
  loadConfig,
  portEnv,
} from '@ticketing/common'

export const configSchema = Type.Object({
  ...commonEnv,
  ...databaseEnv,
  ...busEnv,
  ...authEnv,
  ...portEnv('tickets'),
  /** The ISO 4217 currency every ticket is listed in. */
  CURRENCY: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD' }),
  /**
   * Signs holders' entry credentials: an Ed25519 private JWK with a kid. Required in production; in development
   * a pair is generated at first start into CREDENTIAL_DEV_KEY_FILE.
   */
  CREDENTIAL_PRIVATE_KEY: Type.Optional(Type.String()),
  CREDENTIAL_DEV_KEY_FILE: Type.String({ default: '.data/keys/credential-dev.json' }),
  /** What a buyer pays on top of a ticket's price, in percent of it: the all-in price is price + this fee. */
  BUYER_FEE_PERCENT: Type.Number({ minimum: 0, maximum: 50, default: 10 }),
  /** What the marketplace keeps of a sale, in percent of the price: the seller receives the rest. */
  SELLER_FEE_PERCENT: Type.Number({ minimum: 0, maximum: 50, default: 5 }),
})

export type Config = Static<typeof configSchema>

export function readConfig(env?: Record<string, string | undefined>): Config {
  const config = loadConfig(configSchema, env)
  try {
    currencyExponent(config.CURRENCY)
  } catch {
    throw new ConfigError([
      { variable: 'CURRENCY', message: `${config.CURRENCY} is not an ISO 4217 currency` },
    ])
  }
  return config
}
