import Type, { type Static } from 'typebox'
import { authEnv, busEnv, commonEnv, databaseEnv, loadConfig, portEnv } from '@ticketing/common'

export const configSchema = Type.Object({
  ...commonEnv,
  ...databaseEnv,
  ...busEnv,
  ...authEnv,
  ...portEnv('tickets'),
  /** The ISO 4217 currency every ticket is listed in. */
  CURRENCY: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD' }),
})

export type Config = Static<typeof configSchema>

export const readConfig = (env?: Record<string, string | undefined>): Config => loadConfig(configSchema, env)
