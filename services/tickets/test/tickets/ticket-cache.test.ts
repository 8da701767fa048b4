import { randomUUID } from 'node:crypto'
import { createTestDatabase, type TestDatabase } from '@ticketing/testing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { migrationsFolder } from '../../src/db/migrate.js'
import { TicketCache } from '../../src/tickets/ticket-cache.js'
import type { TicketRow } from '../../src/tickets/ticket.table.js'

const EVENTUALLY = { timeout: 10_000, interval: 20 }

describe('the ticket read cache', () => {
  let database: TestDatabase
  let sql: pg.Pool
  const caches: TicketCache[] = []

  beforeAll(async () => {
    database = await createTestDatabase('tickets-cache', { migrations: migrationsFolder })
    sql = new pg.Pool({ connectionString: database.url, max: 2 })
  })
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()))
    await sql.end()
    await database.drop()
  })

  async function instance() {
    const cache = new TicketCache({ url: database.url })
    caches.push(cache)
    await cache.start()
    return cache
  }

  async function listed(price = 1000) {
    const id = randomUUID()
    await sql.query(
      `insert into tickets (id, title, price, buyer_fee, seller_fee, currency, user_id, version) values ($1, 'Show', $2, 0, 0, 'USD', $3, 0)`,
      [id, price, randomUUID()],
    )
    return id
  }

  /** Reads through the cache, counting the reads that reached the database. */
  function reader(cache: TicketCache) {
    const counted = { loads: 0 }
    const read = (id: string) =>
      cache.ticket(id, async () => {
        counted.loads++
        const { rows } = await sql.query<TicketRow>('select * from tickets where id = $1', [id])
        return rows[0] && { ...rows[0], price: Number(rows[0].price) } // bigint: the service's pool parses it
      })
    return Object.assign(counted, { read })
  }

  it('keeps a ticket once read, and every instance drops it when a change to it commits, whoever made it', async () => {
    // Listed before the instances listen, so that its own notification does not stop the first read being kept.
    const id = await listed(1000)
    const [first, second] = [reader(await instance()), reader(await instance())]
    expect((await first.read(id))?.price).toBe(1000)
    expect((await second.read(id))?.price).toBe(1000)
    await first.read(id)
    await second.read(id)
    expect([first.loads, second.loads]).toEqual([1, 1])

    // Changed behind both instances' backs: neither made it, both hear of it.
    await sql.query('update tickets set price = 2000 where id = $1', [id])
    await vi.waitFor(async () => {
      expect((await first.read(id))?.price).toBe(2000)
      expect((await second.read(id))?.price).toBe(2000)
    }, EVENTUALLY)

    // A change rolled back is never announced: the kept row stays.
    const loads = first.loads
    const client = await sql.connect()
    await client.query('begin')
    await client.query('update tickets set price = 3000 where id = $1', [id])
    await client.query('rollback')
    client.release()
    expect((await first.read(id))?.price).toBe(2000)
    expect(first.loads).toBe(loads)
  })

  it('keeps nothing from a read that a change overtook, and never keeps a ticket that is not there', async () => {
    const id = await listed()
    const cache = await instance()
    let loads = 0
    const read = () =>
      cache.ticket(id, async () => {
        loads++
        const { rows } = await sql.query<TicketRow>('select * from tickets where id = $1', [id])
        if (loads === 1) cache.forget(randomUUID()) // a change is heard while this read is under way
        return rows[0]
      })
    await read()
    await read()
    await read()
    expect(loads).toBe(2)

    const missing = randomUUID()
    let missingLoads = 0
    const readMissing = () => cache.ticket(missing, async () => (missingLoads++, undefined))
    await readMissing()
    await readMissing()
    expect(missingLoads).toBe(2)
  })

  it('keeps the first pages until any ticket changes', async () => {
    const cache = await instance()
    let loads = 0
    const page = () => cache.firstPage('tickets', 24, async () => (loads++, { rows: [] }))
    await page()
    await page()
    expect(loads).toBe(1)
    await listed()
    await vi.waitFor(async () => {
      await page()
      expect(loads).toBe(2)
    }, EVENTUALLY)
  })

  it("keeps a first page's rendering with its rows, dropped with them and when a seller is renamed", async () => {
    const cache = await instance()
    let renders = 0
    const rendered = async () => {
      const rows = await cache.firstPage('tickets', 50, async () => ({ rows: [{ id: randomUUID() }] }))
      return cache.renderedFirstPage('tickets', 50, rows, async () => `${++renders}`)
    }
    expect(await rendered()).toBe('1')
    expect(await rendered()).toBe('1')
    // Rows that are not the page kept (read while a change overtook them, say) are rendered, never kept.
    expect(await cache.renderedFirstPage('tickets', 50, [], async () => 'alone')).toBe('alone')
    expect(await rendered()).toBe('1')

    await listed()
    await vi.waitFor(async () => expect(await rendered()).toBe('2'), EVENTUALLY)
    const seller = randomUUID()
    await sql.query(`insert into user_replicas (id, display_name, version) values ($1, 'Ada', 1)`, [seller])
    await vi.waitFor(async () => expect(await rendered()).toBe('3'), EVENTUALLY)
    expect(await rendered()).toBe('3')
    await sql.query(`update user_replicas set display_name = 'Ada L.', version = 2 where id = $1`, [seller])
    await vi.waitFor(async () => expect(await rendered()).toBe('4'), EVENTUALLY)
  })

  it('keeps the first page of events until any event or ticket changes', async () => {
    const cache = await instance()
    let loads = 0
    const page = () => cache.firstPage('events', 24, async () => (loads++, { rows: [] }))
    await page()
    await page()
    expect(loads).toBe(1)
    const eventId = randomUUID()
    await sql.query(
      `insert into events (id, name, venue, city, starts_at, timezone, category)
       values ($1, 'Gala', 'Hall', 'Leeds', now() + interval '1 day', 'Europe/London', 'comedy')`,
      [eventId],
    )
    await vi.waitFor(async () => {
      await page()
      expect(loads).toBe(2)
    }, EVENTUALLY)
    await sql.query(`update events set name = 'Gala night' where id = $1`, [eventId])
    await vi.waitFor(async () => {
      await page()
      expect(loads).toBe(3)
    }, EVENTUALLY)
    // Its events count their tickets on sale: a ticket's change drops it too.
    await listed()
    await vi.waitFor(async () => {
      await page()
      expect(loads).toBe(4)
    }, EVENTUALLY)
  })

  it('keeps a first page no longer than told: until the first of its events starts', async () => {
    const cache = await instance()
    let loads = 0
    const page = (validUntil: Date) =>
      cache.firstPage('tickets', 24, async () => (loads++, { rows: [], validUntil }))
    await page(new Date(Date.now() + 60_000))
    await page(new Date(Date.now() + 60_000))
    expect(loads).toBe(1)
    const soon = new Date(Date.now() + 50)
    await cache.firstPage('tickets', 12, async () => (loads++, { rows: [], validUntil: soon }))
    expect(loads).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 60))
    await cache.firstPage('tickets', 12, async () => (loads++, { rows: [], validUntil: soon }))
    expect(loads).toBe(3)
  })

  it('serves nothing while its connection is lost, and starts from empty once it listens again', async () => {
    const id = await listed(1000)
    const cache = await instance()
    const counted = reader(cache)
    await counted.read(id)
    await counted.read(id)
    expect(counted.loads).toBe(1)

    await sql.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where application_name = 'tickets-cache' and datname = current_database()`,
    )
    await vi.waitFor(() => expect(cache.serving).toBe(false), EVENTUALLY)
    // Changed while nobody listened: the cache must not answer the old row afterwards.
    await sql.query('update tickets set price = 1500 where id = $1', [id])
    expect((await counted.read(id))?.price).toBe(1500)
    await vi.waitFor(() => expect(cache.serving).toBe(true), EVENTUALLY)
    expect((await counted.read(id))?.price).toBe(1500)
    const loads = counted.loads
    await counted.read(id)
    expect(counted.loads).toBe(loads)
  })
})
