import type { IsolationLevel, Kysely, Transaction } from 'kysely'

/** SQLSTATEs after which the whole transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']) // serialization_failure, deadlock_detected

export interface TransactionOptions {
  isolation?: IsolationLevel
  /** How many times a serialization failure or deadlock is retried before it is thrown. */
  retries?: number
}

/** The SQLSTATE of a PostgreSQL error, for mapping constraint violations (23505) onto our errors. */
export function pgErrorCode(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code
}

/** PostgreSQL refuses a prepared statement whose result's columns changed since (a migration added one). */
export function isStalePlan(error: unknown): boolean {
  return (
    pgErrorCode(error) === '0A000' &&
    (error as Error).message.includes('cached plan must not change result type')
  )
}

/** A serialization failure, a deadlock, or a prepared statement a migration made stale (prepared anew). */
export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has(pgErrorCode(error) ?? '') || isStalePlan(error)
}

const afterCommitCallbacks = new WeakMap<object, Set<() => void>>()

/**
 * Runs `callback` once the transaction commits (never if it rolls back), when the transaction was opened by
 * inTransaction. Kysely has no such hook; the outbox uses it to wake its relay the moment events are durable.
 */
export function afterCommit(trx: object, callback: () => void): void {
  let callbacks = afterCommitCallbacks.get(trx)
  if (!callbacks) afterCommitCallbacks.set(trx, (callbacks = new Set()))
  callbacks.add(callback)
}

/**
 * Runs `work` in one transaction and commits it, or rolls back on any error. Conflicts the database reports
 * as retryable are retried with a short jittered pause, so callers never see a transient deadlock.
 */
export async function inTransaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 3
  for (let attempt = 0; ; attempt++) {
    try {
      let builder = db.transaction()
      if (options.isolation) builder = builder.setIsolationLevel(options.isolation)
      let callbacks: Set<() => void> | undefined
      const result = await builder.execute(async (trx) => {
        const value = await work(trx)
        callbacks = afterCommitCallbacks.get(trx)
        return value
      })
      for (const callback of callbacks ?? []) callback()
      return result
    } catch (error) {
      if (attempt >= retries || !isRetryable(error)) throw error
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(5 * 2 ** attempt, 200) + Math.random() * 10),
      )
    }
  }
}
