import { DeliverPolicy } from '@nats-io/jetstream'
import type { Bus } from './bus.js'
import { streamOf, type EventType } from './contracts.js'
import { decodeEvent, type AnyCloudEvent } from './envelope.js'
import { backoffMs, silentLogger, Sleeper, type EventLogger } from './logger.js'

export interface ReplaySubscriberOptions {
  bus: Bus
  /** The event types to follow; they must live in one stream. */
  types: readonly EventType[]
  /** How far back to replay from, at each (re)start: e.g. () => new Date(Date.now() - 15 * 60_000). */
  since: () => Date
  handler: (event: AnyCloudEvent) => void | Promise<void>
  logger?: EventLogger
}

/**
 * Delivers a stream's events from a point in time, then live ones, to this instance alone (an ordered
 * consumer, not shared with other instances): what a revocation list needs to be rebuilt at start and kept
 * up to date. `replayed` resolves once every event that existed at start has been handled.
 */
export class ReplaySubscriber {
  readonly replayed: Promise<void>
  readonly #options: ReplaySubscriberOptions
  readonly #logger: EventLogger
  readonly #stream: string
  readonly #pause = new Sleeper()
  #markReplayed!: () => void
  #isReplayed = false
  #messages: { close(): Promise<void | Error> } | undefined
  #running: Promise<void> | undefined
  #stopped = false

  constructor(options: ReplaySubscriberOptions) {
    const streams = new Set(options.types.map(streamOf))
    if (streams.size !== 1) throw new Error('a replay subscriber follows event types of one stream')
    this.#options = options
    this.#logger = options.logger ?? silentLogger
    this.#stream = options.bus.streamName([...streams][0]!)
    this.replayed = new Promise((resolve) => (this.#markReplayed = resolve))
  }

  get isReplayed(): boolean {
    return this.#isReplayed
  }

  start(): void {
    this.#running ??= this.#run()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#pause.wake()
    await this.#messages?.close()
    await this.#running
  }

  #replayDone(): void {
    if (this.#isReplayed) return
    this.#isReplayed = true
    this.#markReplayed()
  }

  async #run(): Promise<void> {
    const { bus, types } = this.#options
    const wanted = new Set<string>(types)
    let failures = 0
    while (!this.#stopped) {
      try {
        const since = this.#options.since()
        // What "caught up" means: the last message stored now. Nothing newer than `since` means nothing to replay.
        const { state } = await bus.jsm.streams.info(this.#stream)
        const lastAtStart = state.last_ts && Date.parse(state.last_ts) >= since.getTime() ? state.last_seq : 0
        if (lastAtStart === 0) this.#replayDone()

        const consumer = await bus.js.consumers.get(this.#stream, {
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: since.toISOString(),
        })
        const messages = await consumer.consume()
        this.#messages = messages
        // stop() may have come while the consumer was being made, with nothing to close then. Closing only
        // queues the end behind what is already delivered (the loop below drains it), so it is not awaited here.
        if (this.#stopped) void messages.close()
        failures = 0
        for await (const message of messages) {
          const type = message.subject.slice(bus.namespace.length + 1)
          if (wanted.has(type)) {
            try {
              await this.#options.handler(decodeEvent(message.data))
            } catch (error) {
              this.#logger.warn({ err: error, subject: message.subject }, 'replay: event skipped')
            }
          }
          if (message.seq >= lastAtStart) this.#replayDone()
        }
      } catch (error) {
        if (this.#stopped) break
        failures++
        this.#logger.error({ err: error, stream: this.#stream }, 'replay: consumer failed; restarting')
        await this.#pause.sleep(backoffMs(failures))
      }
    }
  }
}
