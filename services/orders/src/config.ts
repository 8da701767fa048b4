import Type, { type Static } from 'typebox'
import { authEnv, busEnv, commonEnv, databaseEnv, loadConfig, portEnv, rateLimitEnv } from '@ticketing/common'

export const configSchema = Type.Object({
  ...commonEnv,
  ...databaseEnv,
  ...busEnv,
  ...authEnv,
  ...rateLimitEnv,
  ...portEnv('orders'),
  /** How long a reserved ticket is held for its buyer. */
  ORDER_HOLD_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  /** How often overdue orders are looked for, in case an expiration timer was lost. */
  SWEEP_INTERVAL_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 10 }),
  /** How long past its expiry an order may stay open before the sweeper cancels it (the timer should win). */
  SWEEP_GRACE_SECONDS: Type.Number({ minimum: 0, default: 30 }),
  /** Open orders (created or awaiting:payment) one member may hold at once: no one account holds every ticket. */
  MAX_OPEN_ORDERS_PER_USER: Type.Integer({ minimum: 1, default: 4 }),
  /** Tickets of one event one member may hold or have reserved (open and complete orders): no one buys up a show. */
  EVENT_TICKET_LIMIT: Type.Integer({ minimum: 1, default: 8 }),
  /** Reservations (POST /api/orders) one member may attempt per minute, counted across every instance. */
  ORDER_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 20 }),
})

export type Config = Static<typeof configSchema>

export const readConfig = (env?: Record<string, string | undefined>): Config => loadConfig(configSchema, env)
