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
