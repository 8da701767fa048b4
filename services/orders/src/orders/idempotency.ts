import { createHash } from 'node:crypto'
import { inTransaction } from '@ticketing/common'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { IdempotencyKeyReusedError } from './order.errors.js'
import { claimIdempotencyKey, findIdempotentResponse, saveIdempotentResponse } from './order.repository.js'

export interface IdempotentRequest {
  userId: string
  /** The `Idempotency-Key` header; without one the request simply runs. */
  key: string | undefined
  /** What identifies the request beside its key: method, path and the body's meaning. */
  fingerprint: string
  /** The status the route answers with; stored with the answer. */
  statusCode: number
}

/**
 * Runs a request once per `Idempotency-Key`: a retry with the same key gets the first answer. The key is
 * claimed first, in the request's own transaction, so a second request arriving while the first runs waits
 * for it and then replays its answer; the answer exists exactly when the request's effects do. A request that
 * failed stored nothing, so its retry runs again. The same key with a different request is a 400.
 */
export async function withIdempotencyKey<T>(
  db: Kysely<Database>,
  request: IdempotentRequest,
  run: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const { key, userId, statusCode } = request
  if (!key) return inTransaction(db, run)
  const requestHash = createHash('sha256').update(request.fingerprint).digest('hex')
  const replay = async () => {
    const stored = await findIdempotentResponse(db, userId, key)
    if (stored && stored.request_hash !== requestHash) {
      throw new IdempotencyKeyReusedError({ field: 'idempotency-key' })
    }
    return stored && { response: stored.response as T }
  }

  const earlier = await replay()
  if (earlier) return earlier.response
  const outcome = await inTransaction(db, async (trx) => {
    if (!(await claimIdempotencyKey(trx, { userId, key, requestHash, statusCode }))) return undefined
    const response = await run(trx)
    await saveIdempotentResponse(trx, { userId, key, response })
    return { response }
  })
  if (outcome) return outcome.response
  // Another request with this key committed while this one waited for it: its answer is this one's.
  const winner = await replay()
  if (!winner) throw new Error(`Idempotency-Key ${key} was claimed, yet no answer is stored`)
  return winner.response
}
