import type { JwtKeys } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'
import type { TicketCache } from './tickets/ticket-cache.js'

/** What the use cases work with. */
export interface TicketsContext {
  db: Kysely<Database>
  config: Config
  /** Tickets by id and the first pages on sale, kept in memory until a change to them commits. */
  cache: TicketCache
  /** Signs and checks holders' entry credentials (tickets' own key pair). */
  credentialKeys: JwtKeys
}
