import type { Kysely } from 'kysely'
import { publishEvent, type Bus } from './bus.js'
import type { EventData, EventType } from './contracts.js'
import { envelope } from './envelope.js'
import type { EventTables } from './event-tables.js'
import { onOutboxCommit } from './outbox.js'
import { backoffMs, silentLogger, Sleeper, type EventLogger } from './logger.js'

export interface PublishedEvent {
  id: string
  type: EventType
}

export interface OutboxRelayOptions {
  db: Kysely<EventTables>
  bus: Bus
  logger?: EventLogger
  batchSize?: number
  /** The backstop for events committed by other processes: how often the outbox is read unprompted. */
  pollIntervalMs?: number
  /** How long published rows are kept (for inspection) before they are deleted. */
  retainPublishedMs?: number
  /**
   * Called with a batch JetStream has acknowledged, before the rows are marked. Throwing leaves them pending,
   * as a crash at that point would: they are published again.
   */
  onPublished?: (events: PublishedEvent[]) => void | Promise<void>
}

const PUBLISH_TIMEOUT_MS = 5_000
const PURGE_EVERY_MS = 10 * 60_000

/**
 * Publishes the outbox. It wakes when a transaction of this process commits events, and polls as a backstop
 * for rows written elsewhere. Each batch is claimed with FOR UPDATE SKIP LOCKED, so several instances share the
 * work without publishing a row twice; publishes carry the event id as Nats-Msg-Id and are pipelined in
 * order; rows are marked only after JetStream acknowledged them. A crash before the mark republishes, which
 * JetStream (within its duplicate window) and the listeners (processed_events) both absorb.
 */
export class OutboxRelay {
  readonly #db: Kysely<EventTables>
  readonly #options: OutboxRelayOptions
  readonly #logger: EventLogger
  readonly #batchSize: number
  readonly #sleeper = new Sleeper()
  #unsubscribe: (() => void) | undefined
  #running: Promise<void> | undefined
  #stopped = false
  #poked = false
  #lastPurge = 0

  constructor(options: OutboxRelayOptions) {
    this.#db = options.db
    this.#options = options
    this.#logger = options.logger ?? silentLogger
    this.#batchSize = options.batchSize ?? 250
  }

  start(): void {
    if (this.#running) return
    this.#stopped = false
    this.#unsubscribe = onOutboxCommit(() => this.#poke())
    this.#running = this.#loop()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#unsubscribe?.()
    this.#sleeper.wake()
    await this.#running
    this.#running = this.#unsubscribe = undefined
  }

  /** Publishes one batch of pending events, oldest first. */
  async relayBatch(): Promise<{ published: number; failed: number }> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'type', 'data', 'occurred_at'])
        .where('published_at', 'is', null)
        .orderBy('seq')
        .limit(this.#batchSize)
        .forUpdate()
        .skipLocked()
        .execute()
      if (rows.length === 0) return { published: 0, failed: 0 }

      const { bus } = this.#options
      const source = `/${bus.service}`
      const results = await Promise.allSettled(
        rows.map((row) => {
          // The data was checked against its contract when it was written (writeEvent).
          const data = row.data as EventData<EventType>
          const event = envelope(row.type as EventType, data, source, { id: row.id, time: row.occurred_at })
          return publishEvent(bus, event, { timeout: PUBLISH_TIMEOUT_MS })
        }),
      )
      const published = rows.filter((_, index) => results[index]!.status === 'fulfilled')
      const failed = rows.filter((_, index) => results[index]!.status === 'rejected')

      if (published.length > 0) {
        await this.#options.onPublished?.(
          published.map((row) => ({ id: row.id, type: row.type as EventType })),
        )
        await trx
          .updateTable('outbox')
          .set({ published_at: new Date() })
          .where(
            'id',
            'in',
            published.map((row) => row.id),
          )
          .execute()
      }
      if (failed.length > 0) {
        const reason: unknown = (
          results.find((result) => result.status === 'rejected') as PromiseRejectedResult
        ).reason
        await trx
          .updateTable('outbox')
          .set((eb) => ({
            attempts: eb('attempts', '+', 1),
            last_error: String((reason as Error)?.message ?? reason),
          }))
          .where(
            'id',
            'in',
            failed.map((row) => row.id),
          )
          .execute()
        this.#logger.warn({ failed: failed.length, err: reason }, 'outbox: publish failed; will retry')
      }
      return { published: published.length, failed: failed.length }
    })
  }

  async #loop(): Promise<void> {
    let failures = 0
    while (!this.#stopped) {
      this.#poked = false
      let full = false
      try {
        const { published, failed } = await this.relayBatch()
        failures = failed > 0 ? failures + 1 : 0
        full = published === this.#batchSize
        await this.#purgeIfDue()
      } catch (error) {
        failures++
        this.#logger.error({ err: error }, 'outbox: relay batch failed; will retry')
      }
      if (this.#stopped) break
      // While failing, back off and ignore wake-ups, or a busy service would retry a dead bus in a hot loop.
      if (failures > 0) await this.#sleeper.sleep(backoffMs(failures))
      else if (!full && !this.#poked) await this.#sleeper.sleep(this.#options.pollIntervalMs ?? 1_000)
    }
  }

  #poke(): void {
    this.#poked = true
    this.#sleeper.wake()
  }

  async #purgeIfDue(): Promise<void> {
    if (Date.now() - this.#lastPurge < PURGE_EVERY_MS) return
    this.#lastPurge = Date.now()
    const cutoff = new Date(Date.now() - (this.#options.retainPublishedMs ?? 24 * 3_600_000))
    await this.#db.deleteFrom('outbox').where('published_at', '<', cutoff).execute()
  }
}
