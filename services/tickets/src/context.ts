import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'

/** What the use cases work with. */
export interface TicketsContext {
  db: Kysely<Database>
  config: Config
}
