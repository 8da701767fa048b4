import { silentLogger, type EventLogger } from '../events/logger.js'

export interface PeriodicJobOptions {
  /** Names the job in its log lines: `sweeper: run failed`. */
  name: string
  /** The pause between the end of one run and the start of the next. */
  everyMs: number
  /** One run. Its failure is logged; the next run comes all the same. */
  run: () => Promise<unknown>
  logger?: EventLogger
}

/**
 * Work a service repeats on its own (the orders sweeper, auth's janitor, purging processed events). Runs never
 * overlap: the next is scheduled when one ends. stop() waits for a run in progress, so what the run uses (the
 * database) can be closed right after it.
 */
export class PeriodicJob {
  readonly #options: PeriodicJobOptions
  readonly #logger: EventLogger
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #stopped = true

  constructor(options: PeriodicJobOptions) {
    this.#options = options
    this.#logger = options.logger ?? silentLogger
  }

  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#schedule()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running
  }

  #schedule(): void {
    // unref: a timer alone must not keep a process alive that is otherwise done.
    this.#timer = setTimeout(() => {
      this.#running = this.#tick()
    }, this.#options.everyMs).unref()
  }

  async #tick(): Promise<void> {
    try {
      await this.#options.run()
    } catch (error) {
      this.#logger.error({ err: error }, `${this.#options.name}: run failed`)
    } finally {
      this.#running = undefined
      if (!this.#stopped) this.#schedule()
    }
  }
}
