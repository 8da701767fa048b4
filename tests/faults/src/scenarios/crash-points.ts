import { SERVICES } from '@ticketing/stack'
import type { FaultPoint } from '@ticketing/common'
import { crashAtFaultPoint, type FaultContext, type Scenario } from '../harness.js'

/** The services that handle events (auth only publishes). */
const CONSUMERS = SERVICES.filter((service) => service !== 'auth')

/** Payments' reconciler at fault-suite speed: attempts with no known outcome are looked up after 2 s. */
const QUICK_RECONCILER = { RECONCILE_PENDING_AFTER_SECONDS: '2', RECONCILE_RETRY_SECONDS: '1' }

async function crashEach(
  context: FaultContext,
  point: FaultPoint,
  parts: readonly (typeof SERVICES)[number][],
) {
  for (const part of parts) {
    const crashed = await crashAtFaultPoint(context, part, point)
    context.log(crashed ? `${part} crashed at ${point}` : `${part} never reached ${point}`)
    if (!crashed) context.problem(`${part} did not reach ${point} within 90 s of load`)
  }
}

/**
 * Every consumer crashes right after an event handler's transaction committed and before the message was
 * acknowledged: the message comes again and processed_events makes it a no-op (expiration, which has no
 * database, adds the same timer again). Nothing is applied twice (I5, I6, I7).
 */
export const killedAfterCommit: Scenario = {
  name: 'killed-after-commit',
  env: QUICK_RECONCILER,
  load: { workers: 3, edits: 0.3 },
  inject: (context) => crashEach(context, 'listener.after-commit', CONSUMERS),
}

/**
 * Every consumer crashes inside an event handler's transaction, after its writes and before the commit: the
 * writes are lost with the connection, the message comes again and is applied then (I5, I6).
 */
export const killedBeforeCommit: Scenario = {
  name: 'killed-before-commit',
  env: QUICK_RECONCILER,
  load: { workers: 3, edits: 0.3 },
  inject: (context) => crashEach(context, 'listener.before-commit', CONSUMERS),
}

/**
 * expiration crashes after publishing expiration.completed and before BullMQ knows the job is done: the job is
 * run again once its lock lapses and publishes the same event (same id), which orders applies once (I4, I7).
 */
export const expirationKilledMidJob: Scenario = {
  name: 'expiration-killed-mid-job',
  load: { workers: 3, endings: { pay: 1, expire: 2 } },
  inject: (context) => crashEach(context, 'expiration.after-publish', ['expiration', 'expiration']),
}

/**
 * payments crashes after the gateway authorised a card and before the attempt was recorded as authorised: the
 * reconciler finds the authorisation by the attempt's id and captures it for a complete order or voids it
 * (I2, I3, I7).
 */
export const paymentsKilledAfterAuthorize: Scenario = {
  name: 'payments-killed-after-authorize',
  env: QUICK_RECONCILER,
  load: { workers: 3, endings: { pay: 3, expire: 1 } },
  inject: (context) => crashEach(context, 'payments.after-authorize', ['payments', 'payments']),
}
