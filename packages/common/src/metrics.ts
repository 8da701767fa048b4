import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** A reading taken when Prometheus scrapes: rejected or too slow, the gauges it feeds are left out of that scrape. */
type Probe<T> = () => Promise<T>

/** How long a scrape waits for one reading (a database query, a JetStream consumer info). */
const PROBE_TIMEOUT_MS = 1_000

function withTimeout<T>(reading: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('metrics probe timed out')), PROBE_TIMEOUT_MS)
  })
  return Promise.race([reading, timeout]).finally(() => clearTimeout(timer))
}

/** What the outbox relay reports at a scrape. */
export interface OutboxReading {
  pending: number
  /** Seconds since the oldest pending row was written, by the database's clock; 0 with nothing pending. */
  oldestAgeSeconds: number
}

/** What JetStream says of one durable consumer (its consumer info). */
export interface ConsumerReading {
  consumer: string
  /** Messages in the stream not yet delivered to the consumer (num_pending). */
  pending: number
  /** Delivered and not yet acknowledged (num_ack_pending). */
  ackPending: number
  /** Delivered more than once and not yet acknowledged (num_redelivered). */
  redelivered: number
}

/** How a listener left a message: `duplicate` is an ack of an event already applied. */
export type HandlerOutcome = 'ack' | 'duplicate' | 'nak' | 'term' | 'dead_letter'

/**
 * How often the event loop's delay is sampled for `nodejs_eventloop_lag_*`. prom-client's default, 10 ms, wakes
 * an idle service 100 times a second: 5.2 ms of CPU a second per process here, against 1.0 at 100 ms. Each
 * sample still measures the delay to the nanosecond, and a scrape every 15 s still sees 150 of them.
 */
const EVENT_LOOP_SAMPLE_MS = 100

/**
 * One service's Prometheus metrics. Each app has its own registry rather than prom-client's global one, so
 * several apps built in one process (tests, the integration harness) never clash over a metric name or count
 * each other's work. `serveMetrics` serves it on a port of its own (METRICS_PORT), never on the API's port.
 *
 * Counters a service increments are defined here, by service, so that one file lists every name (the
 * dashboard's test reads them): the kit's (HTTP, events, outbox) for all, `orders_holds_*` for orders,
 * `payments_outcomes_total` for payments. Gauges read at scrape time are registered by what can read them:
 * the relay (outbox), the listeners (consumers), authentication (revocation list).
 */
export class ServiceMetrics {
  readonly registry = new Registry()

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern (never the raw URL; "unmatched" for no route) and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })

  readonly eventOutcomes = new Counter({
    name: 'events_handler_outcomes_total',
    help: 'Messages a listener finished with, by outcome: ack (applied, or a type this service ignores), duplicate (acked, already applied), nak (redelivered later), term (dropped without a database), dead_letter (terminated and kept in dead_letters)',
    labelNames: ['consumer', 'type', 'outcome'] as const,
    registers: [this.registry],
  })

  readonly eventRedeliveries = new Counter({
    name: 'events_redeliveries_total',
    help: 'Messages a listener received again after an earlier delivery (nak, ack timeout, a lost instance)',
    labelNames: ['consumer'] as const,
    registers: [this.registry],
  })

  readonly eventLag = new Histogram({
    name: 'event_handler_lag_seconds',
    help: "From an event's time (its outbox insert) to the commit of its handler",
    labelNames: ['consumer'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  })

  readonly outboxPublished = new Counter({
    name: 'outbox_events_published_total',
    help: 'Outbox rows JetStream acknowledged and the relay marked published',
    registers: [this.registry],
  })

  readonly outboxPublishFailures = new Counter({
    name: 'outbox_publish_failures_total',
    help: 'Outbox rows whose publish failed and stay pending for the next attempt',
    registers: [this.registry],
  })

  /** orders: reservations made (a hold starts with each order). */
  readonly holdsCreated: Counter | undefined
  /** orders: open orders cancelled by their expiration timer (expiration.completed). */
  readonly holdsExpired: Counter | undefined
  /** orders: open orders cancelled by the sweeper, their timer lost or late. */
  readonly holdsSwept: Counter | undefined
  /** payments: where payment attempts ended up, by the status they moved to. */
  readonly paymentOutcomes: Counter<'outcome'> | undefined

  readonly #outboxProbes: Probe<OutboxReading>[] = []
  readonly #consumerProbes: Probe<ConsumerReading[]>[] = []
  readonly #revocationProbes: (() => number)[] = []
  #outboxGauges = false
  #consumerGauges = false
  #revocationGauge = false
  #processMetrics = false

  constructor(readonly service?: string) {
    // Every series names its service, whatever labels the scraper adds (the dashboard filters on it).
    if (service) this.registry.setDefaultLabels({ service })
    if (service === 'orders') {
      this.holdsCreated = new Counter({
        name: 'orders_holds_created_total',
        help: 'Orders created, each holding its ticket for ORDER_HOLD_SECONDS',
        registers: [this.registry],
      })
      this.holdsExpired = new Counter({
        name: 'orders_holds_expired_total',
        help: 'Open orders cancelled when their expiration timer fired (expiration.completed)',
        registers: [this.registry],
      })
      this.holdsSwept = new Counter({
        name: 'orders_holds_swept_total',
        help: 'Open orders cancelled by the sweeper past expiresAt plus the grace period (the timer was lost or late)',
        registers: [this.registry],
      })
    }
    if (service === 'payments') {
      this.paymentOutcomes = new Counter({
        name: 'payments_outcomes_total',
        help: 'Payment attempts by the status they reached: authorized, requires_action, pending, declined, failed (gateway unavailable), captured, voided, refunded',
        labelNames: ['outcome'] as const,
        registers: [this.registry],
      })
    }
  }

  /**
   * prom-client's process metrics (CPU, memory, event loop lag, GC, handles) in this registry, once. Called by
   * serveMetrics: they describe the process, so only the app a process serves needs them, and the many apps a
   * test process builds do not each leave GC observers behind.
   */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return
    this.#processMetrics = true
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS })
  }

  /** The outbox relay's backlog, read at each scrape. */
  watchOutbox(probe: Probe<OutboxReading>): void {
    this.#outboxProbes.push(probe)
    if (this.#outboxGauges) return
    this.#outboxGauges = true
    const probes = this.#outboxProbes
    let reading: Promise<OutboxReading | undefined> | undefined
    // Both gauges come from one query per scrape: the first to be collected starts it, the second reuses it.
    const read = () => {
      reading ??= Promise.all(probes.map((one) => withTimeout(one()))).then(
        (readings) => ({
          pending: readings.reduce((sum, one) => sum + one.pending, 0),
          oldestAgeSeconds: Math.max(0, ...readings.map((one) => one.oldestAgeSeconds)),
        }),
        () => undefined,
      )
      const current = reading
      void current.finally(() => setImmediate(() => reading === current && (reading = undefined)))
      return current
    }
    new Gauge({
      name: 'outbox_pending_events',
      help: 'Outbox rows not yet published (the relay backlog)',
      registers: [this.registry],
      async collect() {
        const value = await read()
        if (value) this.set(value.pending)
        else this.reset()
      },
    })
    new Gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished outbox row by the database clock; 0 when nothing is pending',
      registers: [this.registry],
      async collect() {
        const value = await read()
        if (value) this.set(value.oldestAgeSeconds)
        else this.reset()
      },
    })
  }

  /** The durable consumers' state as JetStream sees it (shared by every instance), read at each scrape. */
  watchConsumers(probe: Probe<ConsumerReading[]>): void {
    this.#consumerProbes.push(probe)
    if (this.#consumerGauges) return
    this.#consumerGauges = true
    const probes = this.#consumerProbes
    let reading: Promise<ConsumerReading[]> | undefined
    const read = () => {
      reading ??= Promise.all(
        probes.map((one) => withTimeout(one()).catch((): ConsumerReading[] => [])),
      ).then((readings) => readings.flat())
      const current = reading
      void current.finally(() => setImmediate(() => reading === current && (reading = undefined)))
      return current
    }
    const gauge = (name: string, help: string, pick: (reading: ConsumerReading) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['consumer'] as const,
        registers: [this.registry],
        async collect() {
          const readings = await read()
          // A consumer JetStream could not describe in time is left out rather than shown with an old value.
          this.reset()
          for (const one of readings) this.set({ consumer: one.consumer }, pick(one))
        },
      })
    gauge(
      'events_consumer_pending_messages',
      'Messages in the stream not yet delivered to the durable consumer (JetStream num_pending)',
      (one) => one.pending,
    )
    gauge(
      'events_consumer_ack_pending_messages',
      'Messages delivered to the durable consumer and not yet acknowledged (JetStream num_ack_pending)',
      (one) => one.ackPending,
    )
    gauge(
      'events_consumer_redelivered_messages',
      'Messages delivered more than once and not yet acknowledged (JetStream num_redelivered)',
      (one) => one.redelivered,
    )
  }

  /**
   * Statements this process's pools have sent (by pool: requests, workers), read at each scrape: per request or
   * per event, the measure of what it costs the database that varies least with the machine's speed.
   */
  watchStatements(pools: Record<string, () => number>): void {
    new Counter({
      name: 'db_statements_total',
      help: "Statements sent to the service's database, by pool (requests, workers), begin and commit included",
      labelNames: ['pool'] as const,
      registers: [this.registry],
      collect() {
        this.reset()
        for (const [pool, sent] of Object.entries(pools)) this.inc({ pool }, sent())
      },
    })
  }

  /** The size of this instance's revocation list (banned users, revoked sessions, signed out everywhere). */
  watchRevocations(size: () => number): void {
    this.#revocationProbes.push(size)
    if (this.#revocationGauge) return
    this.#revocationGauge = true
    const probes = this.#revocationProbes
    new Gauge({
      name: 'auth_revocation_list_entries',
      help: "Entries in this instance's revocation list: tokens refused although their signature is valid",
      registers: [this.registry],
      collect() {
        this.set(probes.reduce((sum, one) => sum + one(), 0))
      },
    })
  }
}

export interface MetricsServer {
  port: number
  close(): Promise<void>
}

/**
 * Serves a registry at `GET /metrics` on a port of its own, and nothing else (404; 405 for another method on
 * /metrics). Prometheus scrapes it inside the cluster; the API's port, which the gateway and ingress route,
 * does not serve it. The process metrics are added to the registry here.
 */
export async function serveMetrics(
  metrics: ServiceMetrics,
  options: { port: number; host?: string },
): Promise<MetricsServer> {
  metrics.collectProcessMetrics()
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n')
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' })
        .end('Method not allowed\n')
      return
    }
    metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType })
        response.end(request.method === 'HEAD' ? undefined : text)
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`)
      },
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
