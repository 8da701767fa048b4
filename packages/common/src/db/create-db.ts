import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

const INT8_OID = 20

/**
 * `bigint` columns hold money in minor units and counters, far below 2^53, so they come back as numbers
 * rather than strings. Set on our pools only, not globally on `pg`.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === INT8_OID
      ? Number
      : (pg.types.getTypeParser(oid, format) as (
          value: string,
        ) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
}

export interface DbOptions {
  /** Pool size: one pool per process, shared by every request. */
  max?: number
  /** Shown in pg_stat_activity, to tell the services' connections apart. */
  applicationName?: string
  /**
   * Told when an idle connection dies (the server restarted, a failover): the pool replaces it. Without a
   * listener, that error would end the process.
   */
  onIdleError?: (error: Error) => void
}

export function createPool(url: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName,
    types,
  })
  const lost =
    options.onIdleError ??
    ((error: Error) => process.emitWarning(`database connection lost: ${error.message}`))
  pool.on('error', lost)
  // pg-pool listens for a client's errors only while it is idle: a server restarting while a connection is
  // checked out (between two queries of a transaction) would otherwise be an uncaught exception that ends the
  // process. The query in flight fails with the error all the same, and the pool discards the client.
  pool.on('connect', (client) => client.on('error', lost))
  return pool
}

export function createDb<DB>(url: string, options: DbOptions = {}): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: createPool(url, options) }) })
}
