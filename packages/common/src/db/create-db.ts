import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { isStalePlan } from './transaction.js'

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

/** At most this many statements are prepared per process; any others are parsed and planned on each run. */
const MAX_PREPARED_STATEMENTS = 500
/** Statements with more parameters are mostly lists of varying length: each length would be a statement. */
const MAX_PREPARED_PARAMETERS = 32

/**
 * Names for the statements a process runs, so each connection parses and plans a statement once instead of
 * on every run (PostgreSQL keeps a generic plan after five runs): pgbench's select-only and single-row UPDATE
 * ran about 1.7 times as many a second prepared as parsed each time on our 2-core machine. A statement made
 * stale by a migration gets a new name, so it is prepared again the next time.
 */
class StatementNames {
  readonly #names = new Map<string, string>()
  #renamed = 0

  of(text: string, parameters: number): string | undefined {
    const name = this.#names.get(text)
    if (name !== undefined || parameters > MAX_PREPARED_PARAMETERS) return name
    if (this.#names.size >= MAX_PREPARED_STATEMENTS) return undefined
    const next = `s${this.#names.size}`
    this.#names.set(text, next)
    return next
  }

  /** A new name for a statement a migration made stale, so that it is prepared again. */
  renew(text: string): string | undefined {
    if (!this.#names.has(text)) return undefined
    const next = `r${this.#renamed++}`
    this.#names.set(text, next)
    return next
  }
}

/**
 * Runs every statement with parameters as a named (prepared) one, when StatementNames gives it a name. One a
 * migration made stale is prepared anew and run again, unless a transaction was under way: that transaction
 * failed with it, and inTransaction runs the whole of it again.
 */
function prepareStatements(client: pg.PoolClient, names: StatementNames, run: StatementCount): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  const prepared = (text: string, values: unknown[], name: string, again: boolean): Promise<unknown> =>
    (query({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
      if (!isStalePlan(error)) throw error
      const renewed = names.renew(text)
      if (!again || renewed === undefined || client.getTransactionStatus() !== 'I') throw error
      return prepared(text, values, renewed, false)
    })
  client.query = ((...args: unknown[]) => {
    run.statements++
    const [text, values] = args
    if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values) || values.length === 0)
      return query(...args)
    const name = names.of(text, values.length)
    return name === undefined ? query(text, values) : prepared(text, values, name, true)
  }) as typeof client.query
}

/** Statements a pool has sent, begin and commit included: what a request or an event costs the database. */
interface StatementCount {
  statements: number
}

const statementCounts = new WeakMap<object, StatementCount>()

/** How many statements the pool behind `db` has sent since it opened (`db_statements_total` on /metrics). */
export function statementsSent(db: Kysely<unknown>): number {
  return statementCounts.get(db)?.statements ?? 0
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
  const names = new StatementNames()
  const run: StatementCount = { statements: 0 }
  statementCounts.set(pool, run)
  pool.on('connect', (client) => {
    client.on('error', lost)
    prepareStatements(client, names, run)
  })
  return pool
}

export function createDb<DB>(url: string, options: DbOptions = {}): Kysely<DB> {
  const pool = createPool(url, options)
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  statementCounts.set(db, statementCounts.get(pool)!)
  return db
}
