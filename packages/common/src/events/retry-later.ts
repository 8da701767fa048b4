/**
 * Thrown by a handler that cannot apply its event yet (an earlier version has not arrived, a ticket is still
 * held by an order whose cancellation is on its way). The message is redelivered after a pause; it is not
 * an error and is logged quietly.
 */
export class RetryLaterError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'RetryLaterError'
  }
}

export type ReplicaDecision = 'apply' | 'ignore'

/**
 * The rule for a replica fed by versioned events: apply only the next version (`current + 1`, or 0 for a
 * record not seen yet); ignore what was already applied; wait for the missing ones before a later one.
 *
 *   const decision = replicaDecision(existing?.version, event.data.version)   // throws RetryLaterError on a gap
 *   if (decision === 'ignore') return
 */
export function replicaDecision(current: number | undefined, incoming: number): ReplicaDecision {
  const expected = current === undefined ? 0 : current + 1
  if (incoming < expected) return 'ignore'
  if (incoming > expected) {
    throw new RetryLaterError(`version ${incoming} arrived before ${expected}`)
  }
  return 'apply'
}

/**
 * For a replica saved in one statement that changes a row only for the next version (an insert of version 0
 * that does nothing on conflict, or an update `where version = incoming - 1`), when that statement changed
 * none: the version was applied already (ignore it), or one before it is missing (RetryLaterError). So the
 * common case, the next version, costs one statement rather than a locked read and a write.
 *
 *   if (!(await saveNextVersion(trx, row))) skipOrWait((await findRow(trx, row.id))?.version, row.version)
 */
export function skipOrWait(current: number | undefined, incoming: number): void {
  // The next one after all: another transaction saved the one before it in between. Its turn comes again.
  if (replicaDecision(current, incoming) === 'apply') {
    throw new RetryLaterError(`version ${incoming} became the next one meanwhile`)
  }
}
