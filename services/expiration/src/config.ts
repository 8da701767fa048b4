import Type, { type Static } from 'typebox'
import { busEnv, commonEnv, loadConfig, portEnv } from '@ticketing/common'

export const configSchema = Type.Object({
  ...commonEnv,
  ...busEnv,
  ...portEnv('expiration'),
  /** Where the delayed jobs live: they outlast a restart of the service, not a loss of Redis. */
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379' }),
  /** BullMQ's key prefix; tests give each run its own. */
  QUEUE_PREFIX: Type.String({ minLength: 1, default: 'bull' }),
})

export type Config = Static<typeof configSchema>

export const readConfig = (env?: Record<string, string | undefined>): Config => loadConfig(configSchema, env)
