import { sql, type Kysely } from 'kysely'
import { JetStreamApiError } from '@nats-io/jetstream'
import { publishEvent, type Bus } from './bus.js'
import { streams, type EventData, type EventType, type StreamKey } from './contracts.js'
import { envelope } from './envelope.js'
import type { EventTables } from './event-tables.js'
import { onOutboxCommit } from './outbox.js'
import { republishSince } from './republish.js'
import { backoffMs, silentLogger, Sleeper, type EventLogger } from './logger.js'
import { ensureTopology } from './topology.js'
import type { OutboxReading, ServiceMetrics } from '../metrics.js'

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
  /** How often the relay looks at its own streams: lost and recreated, or nearly full. */
  watchIntervalMs?: number
  /**
   * Called with a batch JetStream has acknowledged, before the rows are marked. Throwing leaves them pending,
   * as a crash at that point would: they are published again.
   */
  onPublished?: (events: PublishedEvent[]) => void | Promise<void>
  /**
   * Where published rows and failed publishes are counted; startWorker passes the app's (reportTo), which also
   * reads the backlog at each scrape.
   */
  metrics?: ServiceMetrics
}

const PUBLISH_TIMEOUT_MS = 5_000
const PURGE_EVERY_MS = 10 * 60_000
/**
 * Rows published up to this long after a stream's creation time are published again too: published_at is this
 * host's clock when the relay claimed the row, `created` the server's, and a copy too many is harmless where one
 * too few is lost.
 */
const CLOCK_MARGIN_MS = 5_000
/** A stream this full is logged as an error: at its limit it refuses publishes (the outbox keeps them). */
const NEARLY_FULL = 0.8
/**
 * After the connection to NATS comes back, events published this recently are published again: a server that
 * went down may not have written the last ones it acknowledged to disk. Copies are dropped by JetStream within
 * its duplicate window and skipped by listeners after it.
 */
const REPUBLISH_AFTER_RECONNECT_MS = 2 * 60_000

/**
 * Publishes the outbox. It wakes when a transaction of this process commits events, and polls as a backstop
 * for rows written elsewhere. Each batch is claimed with FOR UPDATE SKIP LOCKED, so several instances share the
 * work without publishing a row twice; publishes carry the event id as Nats-Msg-Id and are pipelined in
 * order; a batch's mark commits only after JetStream acknowledged it. A crash before that republishes, which
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
  #lastWatch = 0
  /** Per stream of this service, the creation time whose losses have been republished. */
  readonly #streamCreated = new Map<StreamKey, string>()
  readonly #nearlyFull = new Set<StreamKey>()
  #metrics: ServiceMetrics | undefined

  constructor(options: OutboxRelayOptions) {
    this.#db = options.db
    this.#options = options
    this.#logger = options.logger ?? silentLogger
    this.#batchSize = options.batchSize ?? 250
    this.#metrics = options.metrics
  }

  reportTo(metrics: ServiceMetrics): void {
    this.#metrics = metrics
    metrics.watchOutbox(() => this.backlog())
  }

  /**
   * The rows waiting to be published and how long the oldest has waited, by the database's clock. Cheap: both
   * read the partial index of pending rows, and the count stops at 100,000.
   */
  async backlog(): Promise<OutboxReading> {
    const { rows } = await sql<{ pending: string; oldest_age_seconds: number | null }>`
      select
        (select count(*) from (select 1 from outbox where published_at is null limit 100000) as waiting) as pending,
        (select extract(epoch from now() - occurred_at)::float8 from outbox
          where published_at is null order by seq limit 1) as oldest_age_seconds
    `.execute(this.#db)
    const row = rows[0]
    return { pending: Number(row?.pending ?? 0), oldestAgeSeconds: Math.max(0, row?.oldest_age_seconds ?? 0) }
  }

  start(): void {
    if (this.#running) return
    this.#stopped = false
    this.#unsubscribe = onOutboxCommit(() => this.#poke())
    this.#running = this.#loop()
    void this.#watchConnection()
  }

  async #watchConnection(): Promise<void> {
    const { connection } = this.#options.bus
    for await (const status of connection.status()) {
      if (this.#stopped) break
      if (status.type !== 'reconnect') continue
      const since = new Date(Date.now() - REPUBLISH_AFTER_RECONNECT_MS)
      const count = await republishSince(this.#db, since).catch((error: unknown) => {
        this.#logger.error({ err: error }, 'outbox: republishing after a reconnect failed')
        return 0
      })
      if (count > 0) {
        this.#logger.info({ count }, 'outbox: reconnected; publishing recent events again')
        this.#poke()
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#unsubscribe?.()
    this.#sleeper.wake()
    await this.#running
    this.#running = this.#unsubscribe = undefined
  }

  /**
   * Publishes one batch of pending events, oldest first. The batch is claimed and marked published in one
   * statement, whose row locks keep other relays off it, but that mark commits only once JetStream has
   * acknowledged: a crash or a failed commit leaves the rows pending, to be published again. (A select, then
   * an update after publishing, cost one statement more per batch: at a quiet pace, one per event.)
   */
  async relayBatch(): Promise<{ published: number; failed: number }> {
    const outcome = await this.#db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('outbox')
        .set({ published_at: new Date() })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('outbox')
            .select('id')
            .where('published_at', 'is', null)
            .orderBy('seq')
            .limit(this.#batchSize)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'type', 'data', 'occurred_at', 'seq'])
        .execute()
      if (claimed.length === 0) return { published: 0, failed: 0 }
      // RETURNING follows no order: publish in the outbox's.
      const rows = claimed.sort((a, b) => a.seq - b.seq)

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
      }
      if (failed.length > 0) {
        const reason: unknown = (
          results.find((result) => result.status === 'rejected') as PromiseRejectedResult
        ).reason
        await trx
          .updateTable('outbox')
          .set((eb) => ({
            published_at: null,
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
    // Counted once committed: a batch rolled back after its publishes is published, and counted, again.
    this.#metrics?.outboxPublished.inc(outcome.published)
    this.#metrics?.outboxPublishFailures.inc(outcome.failed)
    return outcome
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
        await this.#watchIfDue()
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

  /**
   * Looks at the streams this service publishes to. One that is gone is made again; one that was made again
   * (a NATS back with an empty store, an operator's delete) lost the events published to its earlier self, so
   * the rows published before it was created are published again. One nearly full is an error in the log
   * before it refuses publishes.
   */
  async watchStreams(): Promise<number> {
    const { bus } = this.#options
    let republished = 0
    for (const key of Object.keys(streams) as StreamKey[]) {
      if (streams[key].publisher !== bus.service) continue
      let info
      try {
        info = await bus.jsm.streams.info(bus.streamName(key))
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || error.status !== 404) throw error
        this.#logger.error({ stream: key }, 'outbox: stream lost; recreating it and publishing again')
        await ensureTopology(bus)
        info = await bus.jsm.streams.info(bus.streamName(key))
      }
      const seen = this.#streamCreated.get(key)
      if (seen !== info.created) {
        // Seen made again while running: what was published up to then went to the lost one. At a start, only
        // rows clearly older than the stream (a loss while this process was away) count, or every start would
        // publish again the first seconds of a new stream.
        const margin = seen === undefined ? -CLOCK_MARGIN_MS : CLOCK_MARGIN_MS
        const before = new Date(Date.parse(info.created) + margin)
        const types = Object.values(streams[key].entities).map((entity) => `${entity}.%`)
        const result = await this.#db
          .updateTable('outbox')
          .set({ published_at: null, attempts: 0, last_error: null })
          .where('published_at', '<', before)
          .where((eb) => eb.or(types.map((pattern) => eb('type', 'like', pattern))))
          .executeTakeFirst()
        const count = Number(result.numUpdatedRows)
        if (count > 0) {
          this.#logger.error(
            { stream: key, count, created: info.created },
            'outbox: the stream was recreated; publishing again what it lost',
          )
          this.#poke()
        }
        republished += count
        this.#streamCreated.set(key, info.created)
      }
      // An operator may bound a stream by messages too; whichever limit is nearer counts.
      const limit = Math.max(
        info.config.max_bytes > 0 ? info.state.bytes / info.config.max_bytes : 0,
        info.config.max_msgs > 0 ? info.state.messages / info.config.max_msgs : 0,
      )
      if (limit >= NEARLY_FULL && !this.#nearlyFull.has(key)) {
        this.#nearlyFull.add(key)
        this.#logger.error(
          {
            stream: key,
            bytes: info.state.bytes,
            maxBytes: info.config.max_bytes,
            messages: info.state.messages,
            maxMessages: info.config.max_msgs,
          },
          'outbox: stream nearly full; at its limit it refuses publishes',
        )
      } else if (limit < NEARLY_FULL * 0.9) {
        this.#nearlyFull.delete(key)
      }
    }
    return republished
  }

  async #watchIfDue(): Promise<void> {
    if (Date.now() - this.#lastWatch < (this.#options.watchIntervalMs ?? 5_000)) return
    this.#lastWatch = Date.now()
    await this.watchStreams()
  }

  async #purgeIfDue(): Promise<void> {
    if (Date.now() - this.#lastPurge < PURGE_EVERY_MS) return
    this.#lastPurge = Date.now()
    const cutoff = new Date(Date.now() - (this.#options.retainPublishedMs ?? 24 * 3_600_000))
    await this.#db.deleteFrom('outbox').where('published_at', '<', cutoff).execute()
  }
}
