import { readFileSync } from 'node:fs'
import {
  connectRateLimitRedis,
  createDb,
  generateJwtKeyPair,
  loadJwtKeys,
  serveMetrics,
  type MetricsServer,
  type ServiceInstance,
  type ServiceName,
} from '@ticketing/common'
import { createTestDatabase, infrastructure, testBuses, testRedisPrefix } from '@ticketing/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
// Tests may wire services together; the services themselves never import each other.
import { buildApp as buildAuth } from '../../../services/auth/src/app.js'
import { readConfig as readAuthConfig } from '../../../services/auth/src/config.js'
import { migrationsFolder as authMigrations } from '../../../services/auth/src/db/migrate.js'
import type { Database as AuthDatabase } from '../../../services/auth/src/db/schema.js'
import { startWorkers as startAuthWorkers } from '../../../services/auth/src/workers.js'
import { REPLICATION_WAIT, startMarketplace, type Marketplace } from './harness.js'

const dashboardFile = new URL('../../../deploy/grafana/ticketing-dashboard.json', import.meta.url)

/** The kit's metrics: every service has them. */
const EVERY_SERVICE = [
  'http_request_duration_seconds',
  'events_handler_outcomes_total',
  'events_redeliveries_total',
  'event_handler_lag_seconds',
  'outbox_events_published_total',
  'outbox_publish_failures_total',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
]
const OUTBOX = ['outbox_pending_events', 'outbox_oldest_pending_age_seconds']
const CONSUMERS = [
  'events_consumer_pending_messages',
  'events_consumer_ack_pending_messages',
  'events_consumer_redelivered_messages',
]
const REVOCATIONS = ['auth_revocation_list_entries']

/** What each service's /metrics names, besides EVERY_SERVICE. */
const EXPECTED: Record<ServiceName, string[]> = {
  auth: [...OUTBOX, ...REVOCATIONS], // listens to nothing: no durable consumer
  tickets: [...OUTBOX, ...CONSUMERS, ...REVOCATIONS],
  orders: [
    ...OUTBOX,
    ...CONSUMERS,
    ...REVOCATIONS,
    'orders_holds_created_total',
    'orders_holds_expired_total',
    'orders_holds_swept_total',
  ],
  expiration: CONSUMERS, // no outbox (it publishes straight to JetStream), no API and so no revocation list
  payments: [...OUTBOX, ...CONSUMERS, ...REVOCATIONS, 'payments_outcomes_total'],
}

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** Prometheus' text format: the samples, and the names its TYPE lines declare (with a histogram's series). */
function parse(text: string): { samples: Sample[]; names: Set<string> } {
  const samples: Sample[] = []
  const names = new Set<string>()
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) (\w+)/.exec(line)
    if (declared) {
      const [, name, type] = declared as unknown as [string, string, string]
      names.add(name)
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix)
      if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix)
      continue
    }
    const match = /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match) continue
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]),
    )
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return { samples, names }
}

/** The sum of the samples of `name` whose labels include `labels`. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  return parse(text)
    .samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0)
}

/**
 * The metric names a PromQL expression reads: identifiers left once strings, label matchers, ranges,
 * `by (...)` clauses, variables, numbers and function calls are taken out.
 */
function metricNamesIn(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
  const keywords = new Set([
    'by',
    'without',
    'on',
    'ignoring',
    'bool',
    'and',
    'or',
    'unless',
    'offset',
    'inf',
    'nan',
  ])
  return [...bare.matchAll(/([a-zA-Z_:][\w:]*)\s*(\()?/g)]
    .filter(([, name, call]) => !call && !keywords.has(name!.toLowerCase()))
    .map(([, name]) => name!)
}

/** Every PromQL expression of a Grafana dashboard: its panels' targets and its query variables. */
function dashboardExpressions(dashboard: {
  panels?: { targets?: { expr?: string }[]; panels?: unknown[] }[]
  templating?: { list?: { type: string; query?: string | { query?: string } }[] }
}): string[] {
  const panels = (dashboard.panels ?? []).flatMap((panel) => [
    panel,
    ...((panel.panels ?? []) as typeof dashboard.panels & object),
  ])
  const targets = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''))
  const variables = (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => (typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '')))
    // label_values(metric, label): the metric is what is read.
    .map((query) => /label_values\(\s*([^,)]+)/.exec(query)?.[1] ?? query)
  return [...targets, ...variables].filter((expression) => expression.trim() !== '')
}

describe("every service's metrics, on a port of its own", () => {
  let market: Marketplace
  let auth: ServiceInstance
  let authCleanup: () => Promise<void>
  const servers = new Map<ServiceName, MetricsServer>()

  const scrape = async (service: ServiceName) => {
    const response = await fetch(`http://127.0.0.1:${servers.get(service)!.port}/metrics`)
    expect(response.status).toBe(200)
    return response.text()
  }

  beforeAll(async () => {
    market = await startMarketplace({ SWEEP_INTERVAL_SECONDS: '60' }, { expiration: true, payments: true })

    // auth as its own tests build it, on a namespace of its own: nothing here needs its events.
    const database = await createTestDatabase('it_auth', { migrations: authMigrations })
    const buses = testBuses()
    const redisPrefix = testRedisPrefix()
    const { privateJwk } = await generateJwtKeyPair()
    const config = readAuthConfig({
      DATABASE_URL: database.url,
      EVENTS_NAMESPACE: buses.namespace,
      JWT_PRIVATE_KEY: JSON.stringify(privateJwk),
      REDIS_URL: infrastructure.redisUrl,
      RATE_LIMIT_PREFIX: redisPrefix.prefix,
    })
    const db = createDb<AuthDatabase>(database.url)
    const bus = await buses.connect('auth')
    auth = await buildAuth({
      config,
      db,
      bus,
      keys: await loadJwtKeys({ privateKey: config.JWT_PRIVATE_KEY }),
      redis: connectRateLimitRedis(config.REDIS_URL),
      logger: false,
    })
    startAuthWorkers(auth, { config, db, bus })
    await auth.ready()
    authCleanup = async () => {
      await auth.close()
      await buses.cleanup()
      await redisPrefix.clear()
      await database.drop()
    }

    const apps: Record<ServiceName, ServiceInstance> = {
      auth,
      tickets: market.tickets,
      orders: market.orders,
      expiration: market.expiration!,
      payments: market.payments!.app,
    }
    for (const [service, app] of Object.entries(apps) as [ServiceName, ServiceInstance][]) {
      servers.set(service, await serveMetrics(app.metrics, { port: 0, host: '127.0.0.1' }))
    }
  })
  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()))
    await Promise.all([market?.close(), authCleanup?.()])
  })

  it('each service names the metrics it is expected to, each series labelled with its service', async () => {
    for (const [service, expected] of Object.entries(EXPECTED) as [ServiceName, string[]][]) {
      const text = await scrape(service)
      const { names, samples } = parse(text)
      for (const name of [...EVERY_SERVICE, ...expected]) {
        expect(names.has(name), `${service} exposes ${name}`).toBe(true)
      }
      expect(samples.every((sample) => sample.labels.service === service)).toBe(true)
    }
  })

  it('a purchase moves the HTTP, hold, handler and payment counters of the services it goes through', async () => {
    const signup = await auth.inject({
      method: 'POST',
      url: '/api/users/signup',
      payload: { email: `metrics-${Date.now()}@example.com`, password: 'correct horse battery' },
    })
    expect(signup.statusCode).toBe(201)
    expect(
      total(await scrape('auth'), 'http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/users/signup',
        status_code: '201',
      }),
    ).toBe(1)

    const ticket = await market.listTicket(await market.user(), 20)
    const buyer = await market.user()
    const order = await market.orderWhenListed(ticket.id, buyer)
    expect(total(await scrape('orders'), 'orders_holds_created_total')).toBe(1)

    // A declined card first (it frees the order for another), then one that works.
    await vi.waitFor(async () => {
      const declined = await market.payments!.app.inject({
        method: 'POST',
        url: '/api/payments',
        payload: { orderId: order.id, token: 'tok_chargeDeclined' },
        cookies: buyer.cookies,
      })
      expect(declined.statusCode).toBe(402)
    }, REPLICATION_WAIT)
    expect(total(await scrape('payments'), 'payments_outcomes_total', { outcome: 'declined' })).toBe(1)
    await vi.waitFor(async () => {
      const paid = await market.payments!.app.inject({
        method: 'POST',
        url: '/api/payments',
        payload: { orderId: order.id, token: 'tok_visa' },
        cookies: buyer.cookies,
      })
      expect(paid.statusCode).toBe(201)
    }, REPLICATION_WAIT)

    await vi.waitFor(async () => {
      const tickets = await scrape('tickets')
      expect(total(tickets, 'events_handler_outcomes_total', { type: 'order.created', outcome: 'ack' })).toBe(
        1,
      )
      expect(total(tickets, 'outbox_events_published_total')).toBeGreaterThanOrEqual(2)
      const expiration = await scrape('expiration')
      expect(
        total(expiration, 'events_handler_outcomes_total', { type: 'order.created', outcome: 'ack' }),
      ).toBe(1)
      const payments = await scrape('payments')
      expect(total(payments, 'payments_outcomes_total', { outcome: 'authorized' })).toBe(1)
      // The order completes, and the reconciler captures the authorisation.
      expect(total(payments, 'payments_outcomes_total', { outcome: 'captured' })).toBe(1)
      const orders = await scrape('orders')
      expect(
        total(orders, 'events_handler_outcomes_total', { type: 'payment.created', outcome: 'ack' }),
      ).toBe(1)
      expect(total(orders, 'event_handler_lag_seconds_count')).toBeGreaterThan(0)
    }, REPLICATION_WAIT)
    const orders = await scrape('orders')
    expect(
      total(orders, 'http_request_duration_seconds_count', { route: '/api/orders', status_code: '201' }),
    ).toBeGreaterThanOrEqual(1)
    // The raw URL never becomes a label: the order's id appears nowhere.
    expect(orders).not.toContain(order.id)
  })

  it('the API port does not serve /metrics: the gateway and ingress route it, so it must not be there', async () => {
    for (const app of [auth, market.tickets, market.orders, market.expiration!, market.payments!.app]) {
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404)
    }
  })

  it('the Grafana dashboard reads only metrics some service exposes (its PromQL is checked, so it cannot drift)', async () => {
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8'))
    const exposed = new Set<string>()
    for (const service of servers.keys())
      for (const name of parse(await scrape(service)).names) exposed.add(name)
    const expressions = dashboardExpressions(dashboard)
    expect(expressions.length).toBeGreaterThan(10)
    const read = new Set(expressions.flatMap(metricNamesIn))
    expect([...read].filter((name) => !exposed.has(name))).toEqual([])
    // And it shows every metric the issue asks for.
    for (const name of [
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_count',
      'outbox_pending_events',
      'outbox_oldest_pending_age_seconds',
      'events_consumer_pending_messages',
      'events_consumer_redelivered_messages',
      'events_handler_outcomes_total',
      'orders_holds_created_total',
      'orders_holds_expired_total',
      'orders_holds_swept_total',
      'payments_outcomes_total',
      'auth_revocation_list_entries',
    ]) {
      expect(read.has(name), `the dashboard shows ${name}`).toBe(true)
    }
    // Panels Grafana can lay out: unique ids, inside the 24-column grid, each on the chosen data source.
    const panels = dashboard.panels as {
      id: number
      type: string
      gridPos: { x: number; w: number }
      datasource?: { uid: string }
    }[]
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length)
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24)
      if (panel.type !== 'row') expect(panel.datasource?.uid).toBe('${datasource}')
    }
    // A Prometheus data source chosen by variable, not one fixed uid.
    const variables = dashboard.templating.list as { type: string; name: string; query?: string }[]
    expect(variables).toContainEqual(expect.objectContaining({ type: 'datasource', query: 'prometheus' }))
  })

  it('finds the metric names in PromQL, not the functions, labels, ranges or variables', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{service=~"$service", route!="unmatched"}[$__rate_interval])))',
      ),
    ).toEqual(['http_request_duration_seconds_bucket'])
    expect(
      metricNamesIn('sum(rate(a_total{x="y"}[5m])) / ignoring(outcome) sum(rate(b_total[5m])) > 0.5'),
    ).toEqual(['a_total', 'b_total'])
  })
})
