import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { EventListeners, type Bus, type EventHandler } from '../../src/index.js'
import { eventsHarness, publishDirect, ticketData, ticketEvent, type Database } from './helpers.js'

describe('event listeners under a burst', () => {
  let harness: Awaited<ReturnType<typeof eventsHarness>>
  let bus: Bus
  let listeners: EventListeners<Database> | undefined

  beforeAll(async () => {
    harness = await eventsHarness('listener-batches')
    bus = await harness.buses.connect('orders')
  })
  afterAll(async () => {
    await listeners?.stop()
    await harness.cleanup()
  })

  it('apply many events in shared commits, each once, and one failing event holds back none of the others', async () => {
    const transactions = new Map<string, string>() // ticket id → the transaction that applied it
    const attempts = new Map<string, number>()
    const failing = ticketData({ title: 'fails at first' })
    const replicate: EventHandler<'ticket.created', Database> = async (event, trx) => {
      const { id, version, title, price } = event.data
      attempts.set(id, (attempts.get(id) ?? 0) + 1)
      await trx.insertInto('ticket_replicas').values({ id, version, title, price }).execute()
      if (id === failing.id && attempts.get(id)! < 3) throw new Error('a handler that fails twice')
      const { rows } = await sql<{ txid: string }>`select txid_current()::text as txid`.execute(trx)
      transactions.set(id, rows[0]!.txid)
    }

    // Published before anyone listens, so that the listener finds a backlog, as after a burst.
    const tickets = Array.from({ length: 150 }, () => ticketData())
    const events = [...tickets.slice(0, 75), failing, ...tickets.slice(75)].map((data) =>
      ticketEvent('ticket.created', data),
    )
    for (const event of events) await publishDirect(bus, event)
    for (const event of events.slice(0, 20)) await publishDirect(bus, event) // redelivered copies

    listeners = new EventListeners({ bus, db: harness.db }).on('ticket.created', replicate)
    listeners.start()

    const replicas = () => harness.db.selectFrom('ticket_replicas').select('id').execute()
    await vi.waitFor(async () => expect(await replicas()).toHaveLength(151), {
      timeout: 30_000,
      interval: 100,
    })
    const processed = await harness.db
      .selectFrom('processed_events')
      .select(({ fn }) => fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow()
    expect(Number(processed.count)).toBe(151)
    // Fewer commits than events: the backlog was applied in batches.
    const commits = new Set(transactions.values())
    expect(commits.size).toBeLessThan(151 / 2)
    // The failing event was applied alone once it succeeded; its batch-mates were applied without it.
    expect(attempts.get(failing.id)).toBe(3)
    expect(
      [...transactions.entries()].filter(([, txid]) => txid === transactions.get(failing.id)),
    ).toHaveLength(1)
  })
})
