import type { AccessTokenSigner, RateLimiter, RevocationList } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'

/** What the use cases work with. */
export interface AuthContext {
  db: Kysely<Database>
  signer: AccessTokenSigner
  config: Config
  /** Counters shared by every instance (Redis): sign-in failures, sign-ups and sign-ins per address. */
  limits: RateLimiter
  /** This instance's revocation list, told of auth's own revocations as soon as they commit. */
  revocations: RevocationList
}
