import type { JsMsg } from '@nats-io/jetstream'
import type { Kysely, Transaction } from 'kysely'
import { inTransaction } from '../db/transaction.js'
import type { Bus } from './bus.js'
import {
  consumerName,
  entityOf,
  streamOf,
  subscriptions,
  type EventType,
  type StreamKey,
} from './contracts.js'
import { decodeEvent, InvalidEventError, type CloudEvent } from './envelope.js'
import type { EventTables } from './event-tables.js'
import { backoffMs, silentLogger, Sleeper, type EventLogger } from './logger.js'
import { RetryLaterError } from './retry-later.js'
import { ensureTopology, handlerName } from './topology.js'
import { crashAt } from '../process/fault-points.js'
import { PeriodicJob } from '../process/periodic-job.js'
import type { ConsumerReading, HandlerOutcome, ServiceMetrics } from '../metrics.js'

/**
 * Applies one event, in the transaction that also records it as processed. It decodes and calls the service
 * layer, where the rules live; `log` carries the service's fields.
 */
export type EventHandler<T extends EventType, DB> = (
  event: CloudEvent<T>,
  trx: Transaction<DB>,
  log: EventLogger,
) => Promise<void>

export interface HandledEvent {
  type: EventType
  id: string
  /** From the event's time (its outbox insert) to the commit of its handler. */
  lagMs: number
}

export interface EventListenersOptions<DB extends EventTables> {
  bus: Bus
  /**
   * The service's database, for the handler's transaction and processed_events. A service without one
   * (expiration keeps its state in Redis) leaves it out: its handlers get no transaction and must be
   * idempotent on their own, and invalid messages are logged rather than kept in dead_letters.
   */
  db?: Kysely<DB>
  logger?: EventLogger
  /** Messages of one stream handled at once by this instance (of different entities: see EventListeners). */
  concurrency?: number
  /**
   * How many deliveries a failing handler gets before its message is dead-lettered (default 10, about half a
   * minute of backoff); a RetryLaterError, which waits for another event, gets forty times as many.
   */
  retryBudget?: number
  onHandled?: (event: HandledEvent) => void
  /** Where handler outcomes and redeliveries are counted; startWorker passes the app's (reportTo). */
  metrics?: ServiceMetrics
  /**
   * How long processed_events rows are kept. Long after JetStream could redeliver an acknowledged event or
   * the outbox republish one, they only take space.
   */
  retainProcessedMs?: number
}

const PURGE_PROCESSED_EVERY_MS = 3_600_000

/**
 * A handler waiting for another event (RetryLaterError) is given this many times the retry budget: about an
 * hour of redeliveries at the longest backoff, longer than any hold a payment may wait out.
 */
const RETRY_LATER_BUDGET_FACTOR = 40

/**
 * Events applied in one transaction at most (a batch), and batches of one service's listeners open at once.
 * An event never waits for a batch to fill: it starts one as soon as the events read in the same turn of the
 * event loop have joined it (a relay's two events of one commit, say) when fewer than MAX_OPEN_BATCHES are
 * open, so a quiet service applies each event alone, as before; under load the events that arrived meanwhile
 * share the next commit.
 */
const MAX_BATCH = 32
const MAX_OPEN_BATCHES = 2

/** An event waiting for its batch: applied and committed, it learns whether it was new (not a duplicate). */
interface QueuedEvent<DB> {
  event: CloudEvent
  handler: EventHandler<EventType, DB>
  done: (applied: boolean) => void
  failed: (error: unknown) => void
}

/** How long one pull waits for messages; the heartbeats that reveal a lost consumer come at half of it. */
const PULL_EXPIRES_MS = 5_000

/** How long a message waits before redelivery after its n-th failed attempt. */
const redeliveryDelayMs = (deliveries: number) => backoffMs(deliveries, 10_000)

/**
 * A service's event handlers, one per event type, fed by one durable pull consumer per stream the service reads
 * (filtered to its subjects), shared with the service's other instances. Messages of one entity (entityOf: a
 * ticket, an order…) are handled one after another in stream order; different entities run concurrently. A
 * handler runs in one transaction together with the insert into processed_events, so a redelivered event has
 * no second effect. Success acks; RetryLaterError or any other failure naks with backoff; a message that is
 * not a valid event is terminated and kept in dead_letters. Each consume loop restarts itself after errors;
 * stop() waits for the handlers in flight.
 */
export class EventListeners<DB extends EventTables> {
  readonly #options: EventListenersOptions<DB>
  readonly #logger: EventLogger
  readonly #concurrency: number
  readonly #retryBudget: number
  readonly #handlers = new Map<EventType, EventHandler<EventType, DB>>()
  readonly #loops: Promise<void>[] = []
  readonly #inFlight = new Set<Promise<void>>()
  readonly #open = new Set<{ close(): Promise<void | Error> }>()
  readonly #pauses = new Set<Sleeper>()
  readonly #consuming = new Set<StreamKey>()
  /** Per entity, the last handling queued: the next message of that entity waits for it. */
  readonly #entityQueues = new Map<string, Promise<void>>()
  /** Events handed to #apply, waiting for a batch. */
  readonly #queued: QueuedEvent<DB>[] = []
  #openBatches = 0
  #batchScheduled = false
  #stopped = false
  #purging: PeriodicJob | undefined
  #metrics: ServiceMetrics | undefined

  constructor(options: EventListenersOptions<DB>) {
    this.#options = options
    this.#logger = options.logger ?? silentLogger
    this.#concurrency = options.concurrency ?? 64
    this.#retryBudget = options.retryBudget ?? 10
    this.#metrics = options.metrics
  }

  reportTo(metrics: ServiceMetrics): void {
    this.#metrics = metrics
    metrics.watchConsumers(() => this.consumerReadings())
  }

  /**
   * What JetStream says of this service's durable consumers: pending, unacknowledged and redelivered messages.
   * The consumers are shared by every instance, so every instance reports the same figures.
   */
  async consumerReadings(): Promise<ConsumerReading[]> {
    const { bus } = this.#options
    const readings = await Promise.all(
      this.#streams().map(async (stream) => {
        const consumer = consumerName(bus.service, stream)
        try {
          const info = await bus.jsm.consumers.info(bus.streamName(stream), consumer)
          return [
            {
              consumer,
              pending: info.num_pending,
              ackPending: info.num_ack_pending,
              redelivered: info.num_redelivered,
            },
          ]
        } catch {
          return [] // lost (being recreated) or the bus is away: left out of this scrape
        }
      }),
    )
    return readings.flat()
  }

  #count(consumer: string, type: string, outcome: HandlerOutcome): void {
    this.#metrics?.eventOutcomes.inc({ consumer, type, outcome })
  }

  on<T extends EventType>(type: T, handler: EventHandler<T, DB>): this {
    const declared: readonly EventType[] = subscriptions[this.#options.bus.service]
    if (!declared.includes(type)) {
      throw new Error(
        `${this.#options.bus.service} does not subscribe to ${type} (see subscriptions in contracts.ts)`,
      )
    }
    this.#handlers.set(type, handler as unknown as EventHandler<EventType, DB>)
    return this
  }

  start(): void {
    for (const stream of this.#streams()) this.#loops.push(this.#consume(stream))
    if (this.#options.db) {
      this.#purging = new PeriodicJob({
        name: 'events: purging processed_events',
        everyMs: PURGE_PROCESSED_EVERY_MS,
        run: () => this.purgeProcessed(),
        logger: this.#logger,
      })
      this.#purging.start()
    }
  }

  /** Deletes processed_events rows older than the retention (7 days by default); returns how many. */
  async purgeProcessed(now = Date.now()): Promise<number> {
    const db = this.#options.db as Kysely<EventTables> | undefined
    if (!db) return 0
    const before = new Date(now - (this.#options.retainProcessedMs ?? 7 * 24 * 3_600_000))
    try {
      const result = await db
        .deleteFrom('processed_events')
        .where('processed_at', '<', before)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    } catch (error) {
      this.#logger.error({ err: error }, 'events: purging processed_events failed')
      return 0
    }
  }

  /**
   * Readiness: resolves while every handler's consume loop is consuming; rejects, naming them, while one is
   * recovering (its consumer or stream lost) or once stopped.
   */
  async check(): Promise<void> {
    const idle = this.#streams().filter((stream) => this.#stopped || !this.#consuming.has(stream))
    if (idle.length > 0) throw new Error(`not consuming ${idle.join(', ')}`)
  }

  #streams(): StreamKey[] {
    return [...new Set([...this.#handlers.keys()].map(streamOf))]
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await this.#purging?.stop()
    for (const pause of this.#pauses) pause.wake()
    await Promise.all([...this.#open].map((messages) => messages.close()))
    await Promise.all(this.#loops)
    await Promise.all(this.#inFlight)
  }

  async #consume(stream: StreamKey): Promise<void> {
    const { bus } = this.#options
    const consumer = consumerName(bus.service, stream)
    const pause = new Sleeper()
    this.#pauses.add(pause)
    let slots = this.#concurrency
    let freed: (() => void) | undefined
    let failures = 0
    while (!this.#stopped) {
      try {
        // After a failure the consumer, or its whole stream, may be gone (deleted by hand, a server back with an
        // empty store): make the namespace's topology exist again. A recreated consumer reads the stream's day
        // of events from the start; processed_events skips what was applied.
        if (failures > 0) await ensureTopology(bus)
        const durable = await bus.js.consumers.get(bus.streamName(stream), consumer)
        // By default consume() waits quietly for a deleted consumer or stream to come back, which nothing
        // would do: abort instead, and recreate them above. Short pulls notice a loss within seconds.
        const messages = await durable.consume({
          max_messages: this.#concurrency,
          abort_on_missing_resource: true,
          expires: PULL_EXPIRES_MS,
        })
        this.#open.add(messages)
        // stop() may have come while consume() was starting: it closed what it found open, not this. Closing
        // only queues the end behind what is already delivered, which the loop below drains (nak'ing it); awaiting
        // it here, before that loop, would wait for ever.
        if (this.#stopped) void messages.close()
        this.#consuming.add(stream)
        failures = 0
        try {
          for await (const message of messages) {
            if (this.#stopped) {
              message.nak() // another instance takes it now rather than after the ack wait
              this.#count(consumer, 'unknown', 'nak')
              continue
            }
            if (message.info.deliveryCount > 1) this.#metrics?.eventRedeliveries.inc({ consumer })
            while (slots === 0) await new Promise<void>((resolve) => (freed = resolve))
            slots--
            const task = this.#inOrder(consumer, message).finally(() => {
              slots++
              this.#inFlight.delete(task)
              freed?.()
            })
            this.#inFlight.add(task)
          }
        } finally {
          this.#open.delete(messages)
          this.#consuming.delete(stream)
        }
        if (!this.#stopped) throw new Error('the consumer stopped delivering')
      } catch (error) {
        this.#consuming.delete(stream)
        if (this.#stopped) break
        failures++
        this.#logger.error({ err: error, consumer }, 'events: consume loop failed; restarting')
        await pause.sleep(backoffMs(failures))
      }
    }
  }

  /**
   * Handles a message after the messages of its entity that came before it: one consumer delivers a stream in
   * order, and this keeps that order per entity while other entities go ahead. A message that is not a valid
   * event has no entity and is dead-lettered at once.
   */
  async #inOrder(consumer: string, message: JsMsg): Promise<void> {
    let event: CloudEvent
    try {
      event = decodeEvent(message.data)
      if (message.subject !== this.#options.bus.subject(event.type)) {
        throw new InvalidEventError(`a ${event.type} event on subject ${message.subject}`)
      }
    } catch (error) {
      await this.#deadLetter(consumer, message, error)
      return
    }
    const handler = this.#handlers.get(event.type)
    if (!handler) {
      // Another event of the stream, which this service does not listen to (a consumer without subject filters,
      // on NATS before 2.10): nothing to do.
      message.ack()
      this.#count(consumer, event.type, 'ack')
      return
    }
    const entity = entityOf(event.type, event.data)
    const previous = this.#entityQueues.get(entity)
    const handling = (async () => {
      await previous
      await this.#handle(consumer, message, event, handler)
    })()
    this.#entityQueues.set(entity, handling)
    try {
      await handling
    } finally {
      if (this.#entityQueues.get(entity) === handling) this.#entityQueues.delete(entity)
    }
  }

  async #handle(
    consumer: string,
    message: JsMsg,
    event: CloudEvent,
    handler: EventHandler<EventType, DB>,
  ): Promise<void> {
    try {
      const applied = await this.#apply(event, handler)
      crashAt('listener.after-commit')
      message.ack()
      this.#count(consumer, event.type, applied ? 'ack' : 'duplicate')
      if (applied) {
        const lagMs = Date.now() - Date.parse(event.time)
        this.#options.onHandled?.({ type: event.type, id: event.id, lagMs })
        this.#metrics?.eventLag.observe({ consumer }, lagMs / 1000)
        this.#logger.debug({ consumer, eventId: event.id, lagMs }, 'events: handled')
      }
    } catch (error) {
      const deliveries = message.info.deliveryCount
      const waiting = error instanceof RetryLaterError
      // A failure that outlives its budget will not heal by itself: it is kept for a person to look at, and the
      // consumer moves on instead of retrying forever.
      const budget = waiting ? this.#retryBudget * RETRY_LATER_BUDGET_FACTOR : this.#retryBudget
      if (deliveries >= budget) {
        await this.#deadLetter(consumer, message, error, `gave up after ${deliveries} deliveries`, event.type)
      } else if (waiting) {
        this.#logger.debug({ consumer, eventId: event.id, reason: error.message }, 'events: retry later')
        message.nak(redeliveryDelayMs(deliveries))
        this.#count(consumer, event.type, 'nak')
      } else {
        this.#logger.error({ err: error, consumer, eventId: event.id, deliveries }, 'events: handler failed')
        message.nak(redeliveryDelayMs(deliveries))
        this.#count(consumer, event.type, 'nak')
      }
    }
  }

  /**
   * Runs the handler for an event once: in one transaction with its processed_events row, or, for a service
   * without a database, as it is. False when it had already been applied. The transaction may be shared with
   * other events (#runBatch); it has committed when this resolves, so the caller may ack.
   */
  async #apply(event: CloudEvent, handler: EventHandler<EventType, DB>): Promise<boolean> {
    if (!this.#options.db) {
      await handler(event, undefined as never, this.#logger)
      crashAt('listener.before-commit') // no transaction: the handler's effects stay
      return true
    }
    return new Promise<boolean>((done, failed) => {
      this.#queued.push({ event, handler, done, failed })
      if (this.#batchScheduled) return
      this.#batchScheduled = true
      setImmediate(() => {
        this.#batchScheduled = false
        this.#startBatches()
      })
    })
  }

  #startBatches(): void {
    while (this.#queued.length > 0 && this.#openBatches < MAX_OPEN_BATCHES) {
      const batch = this.#queued.splice(0, MAX_BATCH)
      this.#openBatches++
      void this.#runBatch(batch).finally(() => {
        this.#openBatches--
        this.#startBatches()
      })
    }
  }

  /**
   * Applies a batch in one transaction: one commit for all, each event still recorded in processed_events, so
   * each is applied once. The events are of different entities (#inOrder lets one of an entity in at a time).
   * If any of them fails, or the commit does, nothing of the batch stays and each event is applied again alone,
   * in a transaction of its own, where its own outcome (ack, duplicate, retry, dead letter) is decided as if
   * there had never been a batch.
   */
  async #runBatch(batch: QueuedEvent<DB>[]): Promise<void> {
    const db = this.#options.db!
    const commit = (events: QueuedEvent<DB>[], retries?: number) =>
      inTransaction(
        db,
        async (trx) => {
          const applied: boolean[] = []
          for (const { event, handler } of events) applied.push(await this.#applyIn(trx, event, handler))
          crashAt('listener.before-commit')
          return applied
        },
        { retries },
      )
    if (batch.length > 1) {
      try {
        // A deadlock with another batch is settled by applying these one by one, not by trying all again.
        const applied = await commit(batch, 0)
        batch.forEach((queued, index) => queued.done(applied[index]!))
        return
      } catch (error) {
        this.#logger.debug({ err: error, events: batch.length }, 'events: batch failed; applying one by one')
      }
    }
    await Promise.all(
      batch.map((queued) => commit([queued]).then(([applied]) => queued.done(applied!), queued.failed)),
    )
  }

  /** The event's processed_events row, then its handler, in `trx`; false when it had been applied already. */
  async #applyIn(
    trx: Transaction<DB>,
    event: CloudEvent,
    handler: EventHandler<EventType, DB>,
  ): Promise<boolean> {
    const inserted = await (trx as unknown as Transaction<EventTables>)
      .insertInto('processed_events')
      // Keyed by the handler, not the consumer: a consumer's name may change (one per type became one per
      // stream) and a recreated consumer reads its stream's day again, but an event is applied once per handler.
      .values({ consumer: handlerName(this.#options.bus.service, event.type), event_id: event.id })
      .onConflict((conflict) => conflict.doNothing())
      .returning('event_id')
      .executeTakeFirst()
    if (!inserted) return false // already applied: a redelivery or a republish
    await handler(event, trx, this.#logger)
    return true
  }

  /**
   * Terminates a message and keeps it in dead_letters with why: not a valid event, or a failure that outlived
   * its retry budget. An error log line says so either way.
   */
  async #deadLetter(
    consumer: string,
    message: JsMsg,
    error: unknown,
    why?: string,
    type: string = 'invalid',
  ): Promise<void> {
    const payload = Buffer.from(message.data).toString('utf8')
    const fields = { consumer, subject: message.subject, deliveries: message.info.deliveryCount, err: error }
    if (!this.#options.db) {
      this.#logger.error({ ...fields, payload }, `events: message dropped (${why ?? 'invalid message'})`)
      message.term()
      this.#count(consumer, type, 'term')
      return
    }
    try {
      await (this.#options.db as unknown as Kysely<EventTables>)
        .insertInto('dead_letters')
        .values({
          consumer,
          subject: message.subject,
          stream_seq: message.seq,
          payload: payload.slice(0, 65_536),
          error: [why, (error as Error)?.message ?? String(error)].filter(Boolean).join(': '),
        })
        .execute()
      this.#logger.error(fields, `events: message dead-lettered (${why ?? 'invalid message'})`)
      message.term()
      this.#count(consumer, type, 'dead_letter')
    } catch (recordError) {
      // Not recorded, so not terminated: it comes back and we try again.
      this.#logger.error({ err: recordError, consumer }, 'events: could not record a dead letter')
      message.nak(redeliveryDelayMs(message.info.deliveryCount))
      this.#count(consumer, type, 'nak')
    }
  }
}
