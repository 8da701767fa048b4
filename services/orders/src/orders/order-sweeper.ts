import { inTransaction, PeriodicJob, type EventLogger } from '@ticketing/common'
import type { OrdersContext } from '../context.js'
import { claimOverdueOrders } from './order.repository.js'
import { cancelOpenOrder } from './order.service.js'

const BATCH = 100

/**
 * Cancels every open order past its expiry plus the grace period, by the database's clock; returns how many. The backstop for lost
 * expiration timers, so a ticket is never held forever. Safe with several instances (SKIP LOCKED).
 */
async function sweepOverdueOrders(ctx: OrdersContext): Promise<number> {
  let cancelled = 0
  for (;;) {
    const { claimed, swept } = await inTransaction(ctx.db, async (trx) => {
      const overdue = await claimOverdueOrders(trx, ctx.config.SWEEP_GRACE_SECONDS, BATCH)
      let swept = 0
      for (const order of overdue) if (await cancelOpenOrder(trx, order, 'expired')) swept++
      return { claimed: overdue.length, swept }
    })
    // Counted once committed: a batch rolled back is swept, and counted, again.
    cancelled += swept
    ctx.metrics?.holdsSwept?.inc(swept)
    if (claimed < BATCH) return cancelled
  }
}

/** The sweep, every SWEEP_INTERVAL_SECONDS. */
export function orderSweeper(ctx: OrdersContext, logger: EventLogger): PeriodicJob {
  return new PeriodicJob({
    name: 'sweeper',
    everyMs: ctx.config.SWEEP_INTERVAL_SECONDS * 1000,
    logger,
    run: async () => {
      const count = await sweepOverdueOrders(ctx)
      if (count > 0) logger.info({ count }, 'sweeper: cancelled overdue orders')
    },
  })
}
