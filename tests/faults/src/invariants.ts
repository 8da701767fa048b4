import pg from 'pg'
import { connectBus, streams, subscriptions, type ServiceName, type StreamKey } from '@ticketing/common'
import { configSchema as ordersConfig } from '../../../services/orders/src/config.js'

/**
 * The promises of DESIGN §1, checked against what every service keeps once a scenario has healed: each
 * service's database and the bus. Shared by every fault scenario (and by anything else that runs a stack).
 */
export const INVARIANTS = {
  I1: 'no ticket with two active orders; tickets and orders agree on who holds it',
  I2: 'no paid order left incomplete, no complete order without a captured payment',
  I3: 'no captured charge without a complete order or a refund; no authorisation left held',
  I4: 'no order open past expiresAt + grace; no hold ended before expiresAt',
  I5: 'every outbox row published and applied by every subscriber',
  I6: 'replicas equal their sources',
  I7: 'every effect once: one live payment, one refund, one end, one answer to each reservation',
  I8: "money adds up: every charge is its order's total (a sold ticket's price and buyer's fee), every sale owes its seller the price less their fee, once",
  I9: 'a cancelled event has no ticket on sale or held, and no order open or complete',
} as const

export type InvariantId = keyof typeof INVARIANTS
export const INVARIANT_IDS = Object.keys(INVARIANTS) as InvariantId[]

export interface Violation {
  invariant: InvariantId
  message: string
}

/** Where a stack keeps its state: each service's database URL, the bus and its namespace. */
export interface CheckTarget {
  databaseUrls: Partial<Record<ServiceName, string>>
  natsUrl: string
  namespace: string
  /** The variables the stack ran with: orders' SWEEP_GRACE_SECONDS and SWEEP_INTERVAL_SECONDS are read from them. */
  env?: Record<string, string | undefined>
}

const ACTIVE = ['created', 'awaiting:payment', 'complete']
const OPEN = ['created', 'awaiting:payment']
/** payments before the authorise-then-capture schema called a captured payment `succeeded`. */
const CAPTURED = ['captured', 'succeeded']
/** How far apart two hosts' clocks (the orders process and PostgreSQL, on one machine) may read. */
const CLOCK_SLACK_MS = 1_000

type Row = Record<string, unknown>

/** One connection per service database, opened for one check. */
class Databases {
  readonly #clients = new Map<ServiceName, pg.Client>()

  constructor(private readonly urls: Partial<Record<ServiceName, string>>) {}

  has(service: ServiceName): boolean {
    return this.urls[service] !== undefined
  }

  async query<T extends Row = Row>(service: ServiceName, text: string, values: unknown[] = []): Promise<T[]> {
    let client = this.#clients.get(service)
    if (!client) {
      const url = this.urls[service]
      if (!url) throw new Error(`${service} has no database`)
      client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
      await client.connect()
      this.#clients.set(service, client)
    }
    return (await client.query<T>(text, values)).rows
  }

  async hasTable(service: ServiceName, table: string): Promise<boolean> {
    const rows = await this.query(service, 'select 1 from information_schema.tables where table_name = $1', [
      table,
    ])
    return rows.length > 0
  }

  async hasColumn(service: ServiceName, table: string, column: string): Promise<boolean> {
    const rows = await this.query(
      service,
      'select 1 from information_schema.columns where table_name = $1 and column_name = $2',
      [table, column],
    )
    return rows.length > 0
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((client) => client.end().catch(() => undefined)))
  }
}

const servicesWithDatabases = (target: CheckTarget) =>
  (Object.keys(target.databaseUrls) as ServiceName[]).filter((service) => target.databaseUrls[service])

/** What still moves: rows not yet published, messages not yet acknowledged, gateway calls still owed. */
export async function pendingWork(target: CheckTarget): Promise<string[]> {
  const databases = new Databases(target.databaseUrls)
  const waiting: string[] = []
  try {
    for (const service of servicesWithDatabases(target)) {
      const [row] = await databases.query<{ count: string }>(
        service,
        'select count(*) from outbox where published_at is null',
      )
      if (Number(row?.count) > 0) waiting.push(`${service}: ${row?.count} outbox rows unpublished`)
    }
    if (databases.has('payments') && (await databases.hasColumn('payments', 'payments', 'settle'))) {
      const [row] = await databases.query<{ settle: string; pending: string }>(
        'payments',
        `select count(*) filter (where settle is not null) as settle,
                count(*) filter (where status = 'pending') as pending
           from payments`,
      )
      if (Number(row?.settle) > 0) waiting.push(`payments: ${row?.settle} gateway calls owed`)
      if (Number(row?.pending) > 0) waiting.push(`payments: ${row?.pending} attempts unresolved`)
    }
  } finally {
    await databases.close()
  }

  const bus = await connectBus({ url: target.natsUrl, namespace: target.namespace, service: 'auth' })
  try {
    for (const key of Object.keys(streams) as StreamKey[]) {
      const stream = bus.streamName(key)
      let consumers
      try {
        consumers = await bus.jsm.consumers.list(stream).next()
      } catch (error) {
        waiting.push(`stream ${stream}: ${(error as Error).message}`)
        continue
      }
      // Durable consumers only: the services' ordered replays (revocation lists) come and go with processes.
      for (const consumer of consumers.filter((info) => info.config.durable_name)) {
        const { num_pending: unread, num_ack_pending: unacked } = consumer
        if (unread + unacked > 0) {
          waiting.push(`consumer ${consumer.name}: ${unread} unread, ${unacked} unacknowledged`)
        }
      }
    }
  } finally {
    await bus.close()
  }
  return waiting
}

/**
 * Waits until nothing moves for two checks in a row: every outbox published, every consumer caught up,
 * no gateway call owed. Resolves with what still moved if the deadline came first (the check then says why).
 */
export async function waitUntilQuiet(target: CheckTarget, { timeoutMs = 60_000 } = {}): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  let quietOnce = false
  for (;;) {
    const waiting = await pendingWork(target).catch((error: Error) => [`cannot look: ${error.message}`])
    if (waiting.length === 0 && quietOnce) return []
    quietOnce = waiting.length === 0
    if (Date.now() > deadline) return waiting
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Reads every database (and the bus through I5's outboxes) and lists each broken promise. */
export async function checkInvariants(target: CheckTarget): Promise<Violation[]> {
  const databases = new Databases(target.databaseUrls)
  const violations: Violation[] = []
  const report = (invariant: InvariantId, message: string) => violations.push({ invariant, message })
  try {
    await checkTickets(databases, report)
    await checkPayments(databases, report)
    await checkHolds(databases, target, report)
    await checkEventFlow(databases, target, report)
    await checkReplicas(databases, report)
    await checkEffectsOnce(databases, report)
    await checkMoney(databases, report)
    await checkCancelledEvents(databases, report)
  } finally {
    await databases.close()
  }
  return violations
}

type Report = (invariant: InvariantId, message: string) => void

/** I1. */
async function checkTickets(databases: Databases, report: Report): Promise<void> {
  if (!databases.has('orders')) return
  const doubles = await databases.query<{ ticket_id: string; orders: string[] }>(
    'orders',
    `select ticket_id, array_agg(id::text || ' ' || status) as orders from orders
      where status = any($1) and resold_at is null group by ticket_id having count(*) > 1`,
    [ACTIVE],
  )
  for (const row of doubles)
    report('I1', `ticket ${row.ticket_id} has active orders ${row.orders.join(', ')}`)
  if (!databases.has('tickets')) return
  // Once quiet, the ticket's hold in tickets is the order that orders considers active.
  const active = await databases.query<{ id: string; ticket_id: string; status: string }>(
    'orders',
    'select id, ticket_id, status from orders where status = any($1) and resold_at is null',
    [ACTIVE],
  )
  const tickets = await databases.query<{ id: string; order_id: string | null }>(
    'tickets',
    'select id, order_id from tickets',
  )
  const holder = new Map(tickets.map((ticket) => [ticket.id, ticket.order_id]))
  const activeIds = new Set(active.map((order) => order.id))
  for (const order of active) {
    if (holder.get(order.ticket_id) !== order.id) {
      report(
        'I1',
        `order ${order.id} (${order.status}) is active, but tickets has ticket ${order.ticket_id} held by ${String(holder.get(order.ticket_id))}`,
      )
    }
  }
  for (const ticket of tickets) {
    if (ticket.order_id && !activeIds.has(ticket.order_id)) {
      report(
        'I1',
        `tickets holds ticket ${ticket.id} for order ${ticket.order_id}, which orders does not consider active`,
      )
    }
  }
}

/** I2 and I3. */
async function checkPayments(databases: Databases, report: Report): Promise<void> {
  if (!databases.has('payments') || !databases.has('orders')) return
  const payments = await databases.query<{ id: string; order_id: string; status: string }>(
    'payments',
    'select id, order_id, status from payments',
  )
  const orders = await databases.query<{ id: string; status: string }>(
    'orders',
    'select id, status from orders',
  )
  const orderStatus = new Map(orders.map((order) => [order.id, order.status]))
  for (const payment of payments) {
    const status = orderStatus.get(payment.order_id)
    if ((payment.status === 'authorized' || CAPTURED.includes(payment.status)) && status !== 'complete') {
      report(
        'I2',
        `payment ${payment.id} is ${payment.status} but order ${payment.order_id} is ${String(status)}`,
      )
    }
  }
  const capturedOrders = new Set(payments.filter((p) => CAPTURED.includes(p.status)).map((p) => p.order_id))
  for (const order of orders) {
    if (order.status === 'complete' && !capturedOrders.has(order.id)) {
      report('I2', `order ${order.id} is complete without a captured payment`)
    }
  }

  // The money itself: the sandbox gateway's ledger when there is one, otherwise the payment rows stand for it.
  const byId = new Map(payments.map((payment) => [payment.id, payment]))
  if (await databases.hasTable('payments', 'sandbox_intents')) {
    const intents = await databases.query<{
      id: string
      payment_id: string
      order_id: string
      status: string
    }>('payments', 'select id, payment_id, order_id, status from sandbox_intents')
    for (const intent of intents) {
      const payment = byId.get(intent.payment_id)
      const order = orderStatus.get(intent.order_id)
      const what = `charge ${intent.id} (${intent.status}) of payment ${intent.payment_id} (${payment?.status ?? 'no record'}), order ${intent.order_id} (${String(order)})`
      if (
        intent.status === 'captured' &&
        !(payment && CAPTURED.includes(payment.status) && order === 'complete')
      ) {
        report('I3', `${what}: money taken without a sale`)
      }
      if (intent.status === 'authorized' && !OPEN.includes(order ?? '')) {
        report('I3', `${what}: authorisation still held after the order ended`)
      }
      if (payment?.status === 'refunded' && intent.status !== 'refunded') {
        report('I3', `${what}: refund recorded but not made`)
      }
      if (payment?.status === 'voided' && !['voided', 'declined', 'unconfirmed'].includes(intent.status)) {
        report('I3', `${what}: void recorded but not made`)
      }
    }
  } else {
    for (const payment of payments) {
      const order = orderStatus.get(payment.order_id)
      if (CAPTURED.includes(payment.status) && order !== 'complete') {
        report(
          'I3',
          `payment ${payment.id} charged for order ${payment.order_id} (${String(order)}) and not refunded`,
        )
      }
    }
  }
}

/** I4, judged by the database's clock. */
async function checkHolds(databases: Databases, target: CheckTarget, report: Report): Promise<void> {
  if (!databases.has('orders')) return
  const setting = (name: 'SWEEP_GRACE_SECONDS' | 'SWEEP_INTERVAL_SECONDS') =>
    Number(target.env?.[name] ?? (ordersConfig.properties[name] as { default?: number }).default)
  // The sweeper cancels at its next round after the grace: allow one interval, and a second for its work.
  const allowance = setting('SWEEP_GRACE_SECONDS') + setting('SWEEP_INTERVAL_SECONDS') + 1
  const overdue = await databases.query<{ id: string; status: string; late: number }>(
    'orders',
    `select id, status, extract(epoch from now() - expires_at)::float8 as late from orders
      where status = any($1) and expires_at < now() - make_interval(secs => $2)`,
    [OPEN, allowance],
  )
  for (const order of overdue) {
    report('I4', `order ${order.id} is still ${order.status} ${order.late.toFixed(1)} s after its hold ended`)
  }
  const early = await databases.query<{ id: string; early_ms: number }>(
    'orders',
    `select o.id, extract(epoch from o.expires_at - e.occurred_at)::float8 * 1000 as early_ms
       from orders o join outbox e on e.type = 'order.cancelled' and e.data->>'id' = o.id::text
      where e.data->>'reason' = 'expired' and e.occurred_at < o.expires_at - make_interval(secs => $1)`,
    [CLOCK_SLACK_MS / 1000],
  )
  for (const order of early) {
    report(
      'I4',
      `order ${order.id} was cancelled as expired ${(order.early_ms / 1000).toFixed(1)} s before its hold ended`,
    )
  }
}

/** I5. expiration has no database: its effect, every hold ending, is I4's to check. */
async function checkEventFlow(databases: Databases, target: CheckTarget, report: Report): Promise<void> {
  const applied = new Map<ServiceName, Set<string>>()
  for (const service of servicesWithDatabases(target)) {
    const rows = await databases.query<{ event_id: string }>(
      service,
      'select distinct event_id::text from processed_events',
    )
    applied.set(service, new Set(rows.map((row) => row.event_id)))
  }
  for (const publisher of servicesWithDatabases(target)) {
    const outbox = await databases.query<{ id: string; type: string; published: boolean }>(
      publisher,
      'select id::text, type, published_at is not null as published from outbox order by seq',
    )
    for (const row of outbox) {
      if (!row.published) report('I5', `${publisher}'s ${row.type} ${row.id} was never published`)
      for (const [subscriber, types] of Object.entries(subscriptions) as [ServiceName, readonly string[]][]) {
        if (!types.includes(row.type) || !applied.has(subscriber)) continue
        if (!applied.get(subscriber)!.has(row.id)) {
          // Evidence for the report: given up on (dead-lettered), or simply never delivered.
          const [letter] = await databases.query<{ error: string }>(
            subscriber,
            'select error from dead_letters where position($1 in payload) > 0 limit 1',
            [row.id],
          )
          const why = letter ? `dead-lettered: ${letter.error}` : 'not dead-lettered'
          report('I5', `${publisher}'s ${row.type} ${row.id} was never applied by ${subscriber} (${why})`)
        }
      }
    }
  }
}

/** I6: orders' tickets against tickets', payments' orders against orders'. */
async function checkReplicas(databases: Databases, report: Report): Promise<void> {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
  if (databases.has('tickets') && databases.has('orders')) {
    const sources = await databases.query(
      'tickets',
      'select id, price, buyer_fee, currency, version, order_id from tickets',
    )
    const replicas = await databases.query(
      'orders',
      'select id, price, buyer_fee, currency, version, order_id from ticket_replicas',
    )
    const fields = ['price', 'buyer_fee', 'currency', 'version', 'order_id']
    compare('ticket', sources, replicas, fields, same, report)
  }
  if (databases.has('orders') && databases.has('payments')) {
    const sources = await databases.query('orders', 'select id, status, version from orders')
    const replicas = await databases.query('payments', 'select id, status, version from order_replicas')
    compare('order', sources, replicas, ['status', 'version'], same, report)
  }
}

function compare(
  entity: string,
  sources: Row[],
  replicas: Row[],
  fields: string[],
  same: (a: unknown, b: unknown) => boolean,
  report: Report,
): void {
  const byId = new Map(replicas.map((row) => [String(row.id), row]))
  for (const source of sources) {
    const replica = byId.get(String(source.id))
    byId.delete(String(source.id))
    if (!replica) {
      report('I6', `${entity} ${String(source.id)} has no replica`)
      continue
    }
    const differing = fields.filter((field) => !same(source[field], replica[field]))
    if (differing.length > 0) {
      const detail = differing.map((f) => `${f} ${String(replica[f])} ≠ ${String(source[f])}`).join(', ')
      report('I6', `${entity} ${String(source.id)}'s replica differs: ${detail}`)
    }
  }
  for (const id of byId.keys()) report('I6', `${entity} replica ${id} has no source`)
}

/** I7. */
async function checkEffectsOnce(databases: Databases, report: Report): Promise<void> {
  if (databases.has('payments')) {
    const live = await databases.query<{ order_id: string; payments: string[] }>(
      'payments',
      `select order_id, array_agg(id::text || ' ' || status) as payments from payments
        where status <> 'declined' group by order_id having count(*) > 1`,
    )
    for (const row of live) report('I7', `order ${row.order_id} has payments ${row.payments.join(', ')}`)
    const refunds = await databases.query<{ payment: string; count: string }>(
      'payments',
      `select data->>'id' as payment, count(*) from outbox where type = 'payment.refunded'
        group by 1 having count(*) > 1`,
    )
    for (const row of refunds) report('I7', `payment ${row.payment} refunded ${row.count} times`)
  }
  if (databases.has('orders')) {
    const ends = await databases.query<{ order: string; types: string[] }>(
      'orders',
      `select data->>'id' as order, array_agg(type order by occurred_at) as types from outbox
        where type in ('order.cancelled', 'order.completed')
          -- A sale ends again, once, when its event is cancelled (and the money goes back).
          and not (type = 'order.cancelled' and coalesce(data->>'reason', '') = 'event_cancelled'
                   and exists (select 1 from outbox completed where completed.type = 'order.completed'
                               and completed.data->>'id' = outbox.data->>'id'))
        group by 1 having count(*) > 1`,
    )
    for (const row of ends)
      report('I7', `order ${row.order} ended ${row.types.length} times: ${row.types.join(', ')}`)
  }
  if (databases.has('tickets')) {
    const answers = await databases.query<{ order: string; count: string }>(
      'tickets',
      `select data->>'orderId' as order, count(*) from outbox
        where type in ('ticket.reservation-confirmed', 'ticket.reservation-refused') group by 1 having count(*) > 1`,
    )
    for (const row of answers)
      report('I7', `tickets answered order ${row.order}'s reservation ${row.count} times`)
  }
}

/**
 * I8: what was charged is the order's total, and a complete order's total is the price and buyer's fee of the
 * ticket sold to it (a sold ticket can no longer be edited, so its row still states them).
 */
async function checkMoney(databases: Databases, report: Report): Promise<void> {
  if (!databases.has('orders')) return
  const orders = await databases.query<{
    id: string
    status: string
    ticket_id: string
    price: number
    buyer_fee: number
    seller_id: string | null
    seller_fee: number
    currency: string
  }>('orders', 'select id, status, ticket_id, price, buyer_fee, seller_id, seller_fee, currency from orders')
  const byId = new Map(orders.map((order) => [order.id, order]))
  if (databases.has('payments')) {
    const payments = await databases.query<{
      id: string
      order_id: string
      amount: string
      currency: string
    }>('payments', 'select id, order_id, amount, currency from payments')
    for (const payment of payments) {
      const order = byId.get(payment.order_id)
      if (!order) continue // I2 reports a payment without its order
      const total = Number(order.price) + Number(order.buyer_fee)
      if (Number(payment.amount) !== total || payment.currency !== order.currency) {
        report(
          'I8',
          `payment ${payment.id} is for ${payment.amount} ${payment.currency}, but order ${order.id}'s total is ${total} ${order.currency}`,
        )
      }
    }
  }
  if (databases.has('payments') && (await databases.hasTable('payments', 'payouts'))) {
    // The seller is owed the price less their fee for each sale, once; nothing for a refunded one.
    const payouts = await databases.query<{ order_id: string; amount: number; status: string }>(
      'payments',
      'select order_id, amount, status from payouts',
    )
    const payoutOf = new Map(payouts.map((payout) => [payout.order_id, payout]))
    for (const order of orders) {
      if (order.seller_id === null) continue // placed before payouts
      const payout = payoutOf.get(order.id)
      const net = Number(order.price) - Number(order.seller_fee)
      if (order.status === 'complete' && !payout)
        report('I8', `order ${order.id} is complete, but no payout is owed`)
      if (payout && Number(payout.amount) !== net) {
        report('I8', `order ${order.id}'s payout is ${payout.amount}, but its seller's net is ${net}`)
      }
      if (payout && order.status === 'cancelled' && payout.status !== 'cancelled') {
        report('I8', `order ${order.id} was cancelled and refunded, but its payout is ${payout.status}`)
      }
    }
  }
  if (databases.has('tickets')) {
    const sold = await databases.query<{ id: string; order_id: string; price: number; buyer_fee: number }>(
      'tickets',
      'select id, order_id, price, buyer_fee from tickets where order_id is not null',
    )
    for (const ticket of sold) {
      const order = byId.get(ticket.order_id)
      if (order?.status !== 'complete') continue
      if (
        Number(order.price) !== Number(ticket.price) ||
        Number(order.buyer_fee) !== Number(ticket.buyer_fee)
      ) {
        report(
          'I8',
          `order ${order.id} was completed at ${order.price} + ${order.buyer_fee}, but ticket ${ticket.id} sold at ${ticket.price} + ${ticket.buyer_fee}`,
        )
      }
    }
  }
}

/** I9: cancelling an event withdrew its listings and cancelled its orders, paid ones included (I3: refunded). */
async function checkCancelledEvents(databases: Databases, report: Report): Promise<void> {
  if (databases.has('tickets') && (await databases.hasTable('tickets', 'events'))) {
    const left = await databases.query<{ id: string; event_id: string; order_id: string | null }>(
      'tickets',
      `select t.id, t.event_id, t.order_id from tickets t join events e on e.id = t.event_id
       where e.status = 'cancelled' and t.sold_at is null and t.withdrawn_at is null`,
    )
    for (const ticket of left) {
      const state = ticket.order_id === null ? 'on sale' : `held by order ${ticket.order_id}`
      report('I9', `ticket ${ticket.id} of cancelled event ${ticket.event_id} is still ${state}`)
    }
  }
  if (databases.has('orders') && (await databases.hasTable('orders', 'event_replicas'))) {
    const active = await databases.query<{ id: string; event_id: string; status: string }>(
      'orders',
      `select o.id, o.event_id, o.status from orders o join event_replicas e on e.id = o.event_id
       where e.status = 'cancelled' and o.status in ('created', 'awaiting:payment', 'complete')`,
    )
    for (const order of active) {
      report('I9', `order ${order.id} of cancelled event ${order.event_id} is still ${order.status}`)
    }
  }
}
