import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Histogram, Registry } from 'prom-client'

/**
 * One service's Prometheus metrics, served at `GET /metrics`. Each app has its own registry rather than
 * prom-client's global one, so several apps built in one process (tests, the integration harness) never clash
 * over a metric name or count each other's events.
 */
export class ServiceMetrics {
  readonly registry = new Registry()

  readonly eventsHandled = new Counter({
    name: 'events_handled_total',
    help: 'Events applied by a handler (duplicates skipped by processed_events not counted)',
    labelNames: ['consumer', 'type'] as const,
    registers: [this.registry],
  })

  readonly eventsDeadLettered = new Counter({
    name: 'events_dead_lettered_total',
    help: 'Messages terminated and kept in dead_letters (or dropped, without a database): invalid, or out of retries',
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
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ServiceMetrics
  }
}

/**
 * `GET /metrics` in Prometheus' text format, for a scraper on the cluster network. The gateway routes only
 * `/api/*` to services, so it is not reachable from outside.
 */
export const metricsRoute = fp(
  async (app: FastifyInstance) => {
    app.decorate('metrics', new ServiceMetrics())
    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) =>
      reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics()),
    )
  },
  { name: 'metrics' },
)
