import Type, { type Static } from 'typebox'
import { authEnv, busEnv, commonEnv, databaseEnv, loadConfig, portEnv, rateLimitEnv } from '@ticketing/common'

export const configSchema = Type.Object({
  ...commonEnv,
  ...databaseEnv,
  ...busEnv,
  ...authEnv,
  ...rateLimitEnv,
  ...portEnv('auth'),
  /** The Ed25519 private JWK that signs access tokens. Generated in development when unset. */
  JWT_PRIVATE_KEY: Type.Optional(Type.String()),
  /** Comma-separated emails that become admins when they sign up. */
  ADMIN_EMAILS: Type.String({ default: '' }),
  /**
   * Failed sign-ins for one account from one client address within the window; beyond it that address gets
   * 429 for that account, while the owner elsewhere (or after signing in) is not held up.
   */
  SIGNIN_FAILURE_LIMIT: Type.Integer({ minimum: 1, default: 10 }),
  /** Failed sign-ins from one client address, whatever the accounts, within the window. */
  SIGNIN_ADDRESS_FAILURE_LIMIT: Type.Integer({ minimum: 1, default: 100 }),
  SIGNIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /**
   * How long a rotated refresh token is still answered as it was the first time (two tabs renewing at once)
   * before presenting it again counts as theft and revokes the session.
   */
  REFRESH_REUSE_GRACE_SECONDS: Type.Number({ minimum: 0, maximum: 60, default: 10 }),
  /** Sign-ups and sign-ins per client address per minute. */
  AUTH_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 300 }),
})

export type Config = Static<typeof configSchema>

export const readConfig = (env?: Record<string, string | undefined>): Config => loadConfig(configSchema, env)
