import type { ReservationGate } from './orders/reservation-gate.js'
import type { RateLimiter, ServiceMetrics } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/schema.js'

export interface OrdersContext {
  db: Kysely<Database>
  config: Config
  /** The app's metrics, where holds created and swept are counted (left out, nothing is counted). */
  metrics?: ServiceMetrics
  /** Reservations of one ticket in this instance, one at a time (left out, each goes to the database alone). */
  reservations?: ReservationGate
}

/** What the routes work with besides: counters shared by every instance (Redis), reservations per member. */
export interface OrdersRouteContext extends OrdersContext {
  limits: RateLimiter
}
