import { createHash } from 'node:crypto'
import { inTransaction, pgErrorCode } from '@ticketing/common'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { IdempotencyKeyReusedError } from './order.errors.js'
import { findIdempotentResponse, saveIdempotentResponse } from './order.repository.js'

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
 * Runs a request once per `Idempotency-Key`: a retry with the same key gets the first answer, also when both
 * arrive at once (the key's primary key decides; the loser replays the winner's answer). The answer is stored
 * in the request's own transaction, so it exists exactly when the request's effects do. The same key with a
 * different request is a 400.
 */
export async function withIdempotencyKey<T>(
  db: Kysely<Database>,
  request: IdempotentRequest,
  run: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const { key, userId } = request
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
  try {
    return await inTransaction(db, async (trx) => {
      const response = await run(trx)
      await saveIdempotentResponse(trx, {
        userId,
        key,
        requestHash,
        statusCode: request.statusCode,
        response,
      })
      return response
    })
  } catch (error) {
    // The same key raced itself: the other request won and stored its answer.
    if (pgErrorCode(error) === '23505' && constraintOf(error) === 'idempotency_keys_pkey') {
      const winner = await replay()
      if (winner) return winner.response
    }
    throw error
  }
}

const constraintOf = (error: unknown) => (error as { constraint?: string }).constraint
