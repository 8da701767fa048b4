import { inTransaction, type EventLogger } from '@ticketing/common'
import type { OrdersContext } from '../context.js'
import { claimOverdueOrders } from './order.repository.js'
import { cancelOpenOrder } from './order.service.js'

const BATCH = 100

/**
 * The backstop for lost expiration timers: cancels open orders that are past their expiry plus a grace
 * period, so a ticket is never held forever. Safe with several instances (SKIP LOCKED).
 */
export class OrderSweeper {
  readonly #ctx: OrdersContext
  readonly #logger: EventLogger | undefined
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined

  constructor(ctx: OrdersContext, logger?: EventLogger) {
    this.#ctx = ctx
    this.#logger = logger
  }

  /** Cancels every overdue order; returns how many. */
  async sweep(): Promise<number> {
    let cancelled = 0
    for (;;) {
      const before = new Date(Date.now() - this.#ctx.config.SWEEP_GRACE_SECONDS * 1000)
      const claimed = await inTransaction(this.#ctx.db, async (trx) => {
        const overdue = await claimOverdueOrders(trx, before, BATCH)
        for (const order of overdue) if (await cancelOpenOrder(trx, order, 'expired')) cancelled++
        return overdue.length
      })
      if (claimed < BATCH) return cancelled
    }
  }

  start(): void {
    const tick = () => {
      this.#running = this.sweep()
        .then((count) => {
          if (count > 0) this.#logger?.info({ count }, 'sweeper: cancelled overdue orders')
        })
        .catch((error: unknown) => this.#logger?.error({ err: error }, 'sweeper: sweep failed'))
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(tick, this.#ctx.config.SWEEP_INTERVAL_SECONDS * 1000)
        })
    }
    this.#timer = setTimeout(tick, this.#ctx.config.SWEEP_INTERVAL_SECONDS * 1000)
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }
}
