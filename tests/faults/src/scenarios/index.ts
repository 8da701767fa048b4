import type { Scenario } from '../harness.js'
import { eventCancelled, ticketResold } from './catalogue.js'
import { clockAhead, clockBehind } from './clock.js'
import {
  consumerDeleted,
  duplicateDelivery,
  natsEmptied,
  natsRestarted,
  poisonMessage,
  reorderedEvents,
} from './events.js'
import {
  expirationKilledMidJob,
  killedAfterCommit,
  killedBeforeCommit,
  paymentsKilledAfterAuthorize,
} from './crash-points.js'
import { consumerPaused, replicasKilled, rollingRestart, serviceKilled } from './processes.js'
import { gatewayTimeout, paymentRacingExpiry, paymentsKilledMidPayment } from './payments.js'
import { doubleSubmit } from './requests.js'
import { postgresRestarted, redisFlushed } from './servers.js'

/** Every scenario, in the order `npm run faults` runs them. */
export const scenarios: Scenario[] = [
  serviceKilled,
  killedAfterCommit,
  killedBeforeCommit,
  expirationKilledMidJob,
  duplicateDelivery,
  reorderedEvents,
  poisonMessage,
  natsRestarted,
  natsEmptied,
  consumerPaused,
  consumerDeleted,
  postgresRestarted,
  redisFlushed,
  clockAhead,
  clockBehind,
  doubleSubmit,
  gatewayTimeout,
  paymentsKilledMidPayment,
  paymentsKilledAfterAuthorize,
  paymentRacingExpiry,
  eventCancelled,
  ticketResold,
  rollingRestart,
  replicasKilled,
]
