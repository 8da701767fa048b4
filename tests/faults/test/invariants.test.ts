import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import pg from 'pg'
import { connectBus, ensureTopology, envelope, publishEvent, removeTopology } from '@ticketing/common'
import { repositoryRoot } from '@ticketing/stack'
import { createTestDatabase, infrastructure, testNamespace, type TestDatabase } from '@ticketing/testing'
import { checkInvariants, pendingWork, type CheckTarget, type InvariantId } from '../src/invariants.js'

// The checker against real databases, migrated as the services migrate theirs: a state that keeps every
// promise passes, and each broken promise, built by hand, is reported under its invariant.
const services = ['tickets', 'orders', 'payments'] as const
type Service = (typeof services)[number]
const databases = {} as Record<Service, TestDatabase>
const clients = {} as Record<Service, pg.Client>
let target: CheckTarget
let captured = 'captured'

const sql = (service: Service, text: string, values: unknown[] = []) => clients[service].query(text, values)

beforeAll(async () => {
  for (const service of services) {
    databases[service] = await createTestDatabase(`faults-${service}`, {
      migrations: `${repositoryRoot}services/${service}/src/db/migrations`,
    })
    clients[service] = new pg.Client({ connectionString: databases[service].url })
    await clients[service].connect()
  }
  const settle = await sql(
    'payments',
    `select 1 from information_schema.columns where table_name = 'payments' and column_name = 'settle'`,
  )
  captured = settle.rowCount ? 'captured' : 'succeeded' // the payments schema before authorise-then-capture
  target = {
    databaseUrls: Object.fromEntries(services.map((service) => [service, databases[service].url])),
    natsUrl: infrastructure.natsUrl,
    namespace: testNamespace(),
    env: { SWEEP_GRACE_SECONDS: '2', SWEEP_INTERVAL_SECONDS: '1' },
  }
}, 60_000)

afterAll(async () => {
  for (const service of services) {
    await clients[service]?.end()
    await databases[service]?.drop()
  }
})

interface Sale {
  ticketId: string
  orderId: string
  paymentId: string
}

/** A ticket sold, paid and complete, every event published and applied: what a healthy stack leaves. */
async function sale(): Promise<Sale> {
  const sold = { ticketId: randomUUID(), orderId: randomUUID(), paymentId: randomUUID() }
  const { ticketId, orderId, paymentId } = sold
  const user = randomUUID()
  await sql(
    'tickets',
    `insert into tickets (id, title, price, buyer_fee, seller_fee, currency, user_id, version, order_id) values ($1, 'Sold', 2500, 250, 125, 'USD', $2, 1, $3)`,
    [ticketId, user, orderId],
  )
  await sql(
    'orders',
    `insert into ticket_replicas (id, title, price, buyer_fee, currency, user_id, order_id, version) values ($1, 'Sold', 2500, 250, 'USD', $2, $3, 1)`,
    [ticketId, user, orderId],
  )
  await sql(
    'orders',
    `insert into orders (id, user_id, ticket_id, ticket_title, price, buyer_fee, seller_id, seller_fee, currency, status,
       expires_at, version)
     values ($1, $2, $3, 'Sold', 2500, 250, $4, 125, 'USD', 'complete', now() + interval '1 minute', 2)`,
    [orderId, randomUUID(), ticketId, user],
  )
  await sql(
    'payments',
    `insert into payouts (id, order_id, seller_id, ticket_id, amount, currency) values ($1, $2, $3, $4, 2375, 'USD')`,
    [randomUUID(), orderId, user, ticketId],
  )
  await sql(
    'payments',
    `insert into order_replicas (id, user_id, total, currency, status, expires_at, version)
     values ($1, $2, 2750, 'USD', 'complete', now() + interval '1 minute', 2)`,
    [orderId, randomUUID()],
  )
  await sql(
    'payments',
    `insert into payments (id, order_id, amount, currency, gateway_charge_id, status) values ($1, $2, 2750, 'USD', 'ch_1', $3)`,
    [paymentId, orderId, captured],
  )
  // One event of each publisher, published and applied by its subscribers.
  const ticketCreated = await event('tickets', 'ticket.created', { id: ticketId })
  await applied('orders', ticketCreated)
  const orderCreated = await event('orders', 'order.created', { id: orderId })
  await applied('tickets', orderCreated)
  await applied('payments', orderCreated)
  const paymentCreated = await event('payments', 'payment.created', { id: paymentId, orderId })
  await applied('orders', paymentCreated)
  return sold
}

async function event(
  service: Service,
  type: string,
  data: object,
  { published = true, occurredAt = new Date() } = {},
): Promise<string> {
  const id = randomUUID()
  await sql(
    service,
    `insert into outbox (id, type, data, occurred_at, published_at) values ($1, $2, $3, $4, $5)`,
    [id, type, JSON.stringify(data), occurredAt, published ? new Date() : null],
  )
  return id
}

const applied = (service: Service, eventId: string) =>
  sql(service, `insert into processed_events (consumer, event_id) values ($1, $2)`, [
    `${service}-test`,
    eventId,
  ])

async function found(): Promise<InvariantId[]> {
  return [...new Set((await checkInvariants(target)).map((violation) => violation.invariant))].sort()
}

beforeEach(async () => {
  for (const service of services) {
    const { rows } = await sql(
      service,
      `select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely%'`,
    )
    await sql(
      service,
      `truncate ${rows.map((row: { tablename: string }) => `"${row.tablename}"`).join(', ')}`,
    )
  }
})

describe('the invariant checker', () => {
  test('a healthy state has no violations', async () => {
    await sale()
    await sale()
    expect(await checkInvariants(target)).toEqual([])
  })

  test('I1: a ticket with two active orders is reported, and so is a hold tickets and orders disagree on', async () => {
    const { ticketId } = await sale()
    await sql('orders', 'drop index if exists orders_one_active_per_ticket')
    await sql(
      'orders',
      `insert into orders (id, user_id, ticket_id, ticket_title, price, currency, status, expires_at, version)
       values ($1, $2, $3, 'Sold', 2500, 'USD', 'created', now() + interval '1 minute', 0)`,
      [randomUUID(), randomUUID(), ticketId],
    )
    const violations = await checkInvariants(target)
    expect(violations.filter((v) => v.invariant === 'I1').map((v) => v.message)).toEqual([
      expect.stringContaining(`ticket ${ticketId} has active orders`),
      expect.stringContaining('is active, but tickets has ticket'),
    ])
    await sql(
      'orders',
      `create unique index orders_one_active_per_ticket on orders (ticket_id) where status in ('created', 'awaiting:payment', 'complete')`,
    ).catch(() => undefined)
  })

  test('I2: a captured payment for a cancelled order, and a complete order nobody paid', async () => {
    const paid = await sale()
    await sql('orders', `update orders set status = 'cancelled' where id = $1`, [paid.orderId])
    await sql('payments', `update order_replicas set status = 'cancelled' where id = $1`, [paid.orderId])
    const unpaid = await sale()
    await sql('payments', `delete from payments where id = $1`, [unpaid.paymentId])
    const violations = (await checkInvariants(target)).filter((v) => v.invariant === 'I2')
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining(
        `payment ${paid.paymentId} is ${captured} but order ${paid.orderId} is cancelled`,
      ),
      expect.stringContaining(`order ${unpaid.orderId} is complete without a captured payment`),
    ])
  })

  test('I3: money taken at the gateway without a sale', async () => {
    const { orderId, paymentId } = await sale()
    await sql('orders', `update orders set status = 'cancelled' where id = $1`, [orderId])
    await sql('payments', `update order_replicas set status = 'cancelled' where id = $1`, [orderId])
    const ledger = await sql(
      'payments',
      `select 1 from information_schema.tables where table_name = 'sandbox_intents'`,
    )
    if (ledger.rowCount) {
      // Refund recorded, but the gateway still holds the money.
      await sql('payments', `update payments set status = 'refunded' where id = $1`, [paymentId])
      await sql(
        'payments',
        `insert into sandbox_intents (id, payment_id, order_id, amount, currency, status) values ('pi_1', $1, $2, 2500, 'USD', 'captured')`,
        [paymentId, orderId],
      )
    }
    expect(await found()).toContain('I3')
  })

  test('I8: a charge that is not the order’s total, and an order completed at another price than its ticket’s', async () => {
    const overcharged = await sale()
    await sql('payments', `update payments set amount = 2500 where id = $1`, [overcharged.paymentId])
    const repriced = await sale()
    await sql('tickets', `update tickets set buyer_fee = 300 where id = $1`, [repriced.ticketId])
    await sql('orders', `update ticket_replicas set buyer_fee = 300 where id = $1`, [repriced.ticketId])
    const underpaid = await sale()
    await sql('payments', `update payouts set amount = 2500 where order_id = $1`, [underpaid.orderId])
    const unowed = await sale()
    await sql('payments', `delete from payouts where order_id = $1`, [unowed.orderId])
    const violations = (await checkInvariants(target)).filter((v) => v.invariant === 'I8')
    expect(violations.map((v) => v.message).sort()).toEqual(
      [
        `payment ${overcharged.paymentId} is for 2500 USD, but order ${overcharged.orderId}'s total is 2750 USD`,
        `order ${repriced.orderId} was completed at 2500 + 250, but ticket ${repriced.ticketId} sold at 2500 + 300`,
        `order ${underpaid.orderId}'s payout is 2500, but its seller's net is 2375`,
        `order ${unowed.orderId} is complete, but no payout is owed`,
      ].sort(),
    )
  })

  test('I9: a cancelled event with a ticket still on sale and an order still complete', async () => {
    const { ticketId, orderId } = await sale()
    const eventId = randomUUID()
    await sql(
      'tickets',
      `insert into events (id, name, venue, city, starts_at, timezone, category, status)
       values ($1, 'Gala', 'Hall', 'Leeds', now() + interval '1 day', 'Europe/London', 'comedy', 'cancelled')`,
      [eventId],
    )
    const onSale = randomUUID()
    await sql(
      'tickets',
      `insert into tickets (id, title, price, buyer_fee, seller_fee, currency, user_id, version, event_id)
       values ($1, 'Gala', 1000, 100, 50, 'USD', $2, 0, $3)`,
      [onSale, randomUUID(), eventId],
    )
    await sql('tickets', `update tickets set event_id = $1 where id = $2`, [eventId, ticketId])
    await sql(
      'orders',
      `insert into event_replicas (id, starts_at, status, version) values ($1, now() + interval '1 day', 'cancelled', 1)`,
      [eventId],
    )
    await sql('orders', `update orders set event_id = $1 where id = $2`, [eventId, orderId])
    const violations = (await checkInvariants(target)).filter((v) => v.invariant === 'I9')
    expect(violations.map((v) => v.message).sort()).toEqual(
      [
        `ticket ${onSale} of cancelled event ${eventId} is still on sale`,
        `ticket ${ticketId} of cancelled event ${eventId} is still held by order ${orderId}`,
        `order ${orderId} of cancelled event ${eventId} is still complete`,
      ].sort(),
    )
  })

  test('I4: an order open past its hold and grace, and one cancelled as expired before its hold ended', async () => {
    const { ticketId } = await sale()
    await sql('orders', `update orders set status = 'created', expires_at = now() - interval '1 minute'`)
    await sql('payments', 'truncate payments')
    const early = randomUUID()
    await sql(
      'orders',
      `insert into orders (id, user_id, ticket_id, ticket_title, price, currency, status, cancel_reason, expires_at, version)
       values ($1, $2, $3, 'Sold', 2500, 'USD', 'cancelled', 'expired', now() + interval '10 minutes', 1)`,
      [early, randomUUID(), ticketId],
    )
    await event('orders', 'order.cancelled', { id: early, reason: 'expired' })
    const violations = (await checkInvariants(target)).filter((v) => v.invariant === 'I4')
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/is still created \d+\.\d s after its hold ended/),
      expect.stringContaining(`order ${early} was cancelled as expired`),
    ])
  })

  test('I5: an event never published, and one a subscriber never applied', async () => {
    await sale()
    const unpublished = await event('tickets', 'ticket.updated', {}, { published: false })
    await applied('orders', unpublished)
    const unapplied = await event('orders', 'order.cancelled', {})
    await applied('tickets', unapplied) // payments never did
    const violations = (await checkInvariants(target)).filter((v) => v.invariant === 'I5')
    expect(violations.map((v) => v.message)).toEqual([
      `tickets's ticket.updated ${unpublished} was never published`,
      `orders's order.cancelled ${unapplied} was never applied by payments (not dead-lettered)`,
    ])
  })

  test('I6: a replica that differs from its source, and one with no source', async () => {
    const { ticketId, orderId } = await sale()
    await sql('orders', 'update ticket_replicas set price = 2400 where id = $1', [ticketId])
    await sql('payments', `update order_replicas set version = 1 where id = $1`, [orderId])
    await sql(
      'orders',
      `insert into ticket_replicas (id, title, price, currency, user_id, version) values ($1, 'Ghost', 1, 'USD', $2, 0)`,
      [randomUUID(), randomUUID()],
    )
    const violations = (await checkInvariants(target)).filter((v) => v.invariant === 'I6')
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringContaining(`ticket ${ticketId}'s replica differs: price 2400 ≠ 2500`),
      expect.stringContaining('has no source'),
      expect.stringContaining(`order ${orderId}'s replica differs: version 1 ≠ 2`),
    ])
  })

  test('I7: an order ended twice, a payment refunded twice, a reservation answered twice', async () => {
    const { orderId, paymentId, ticketId } = await sale()
    for (const type of ['order.completed', 'order.cancelled']) {
      const id = await event('orders', type, { id: orderId })
      await applied('tickets', id)
      await applied('payments', id)
    }
    for (let refund = 0; refund < 2; refund++) {
      const id = await event('payments', 'payment.refunded', { id: paymentId, orderId })
      await applied('orders', id)
    }
    for (let answer = 0; answer < 2; answer++) {
      const id = await event('tickets', 'ticket.reservation-confirmed', { ticketId, orderId })
      await applied('orders', id)
    }
    const violations = (await checkInvariants(target)).filter((v) => v.invariant === 'I7')
    expect(violations.map((v) => v.message).sort()).toEqual([
      expect.stringContaining(`order ${orderId} ended 2 times`),
      expect.stringContaining(`payment ${paymentId} refunded 2 times`),
      expect.stringContaining(`tickets answered order ${orderId}'s reservation 2 times`),
    ])
  })
})

describe('waiting until quiet', () => {
  test('unpublished outbox rows and unread messages count as work still moving', async () => {
    await event('orders', 'order.created', {}, { published: false })
    const bus = await connectBus({ url: target.natsUrl, namespace: target.namespace, service: 'orders' })
    try {
      await ensureTopology(bus)
      const orderCreated = envelope(
        'order.created',
        {
          id: randomUUID(),
          version: 0,
          status: 'created',
          userId: randomUUID(),
          expiresAt: new Date().toISOString(),
          ticket: { id: randomUUID(), version: 0, price: 1, currency: 'USD' },
        },
        '/orders',
      )
      await publishEvent(bus, orderCreated)
      const waiting = await pendingWork(target)
      expect(waiting).toContain('orders: 1 outbox rows unpublished')
      expect(waiting.some((line) => /consumer tickets-.*: 1 unread/.test(line))).toBe(true)
    } finally {
      await removeTopology(bus)
      await bus.close()
    }
  })
})
