import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'

export interface OrdersContext {
  db: Kysely<Database>
  config: Config
}
