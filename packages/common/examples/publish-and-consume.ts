/**
 * One event, end to end: written to the outbox in a transaction, published by the relay, handled once by a
 * listener. Run it with `npm run example --workspace @ticketing/common` (PostgreSQL and NATS JetStream on
 * their default ports, or DATABASE_URL naming the database to use, and NATS_URL).
 */
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import {
  connectBus,
  createDb,
  ensureTopology,
  EventListeners,
  inTransaction,
  migrateToLatest,
  OutboxRelay,
  removeTopology,
  writeEvent,
  type EventTables,
} from '../src/index.js'

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ticketing_example'
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const namespace = `example${randomUUID().slice(0, 8)}`

// Each service has its own database with the event tables, and its own bus connection.
await migrateToLatest(databaseUrl, fileURLToPath(new URL('./migrations', import.meta.url)))
const db = createDb<EventTables>(databaseUrl)
const tickets = await connectBus({ url: natsUrl, namespace, service: 'tickets' })
const orders = await connectBus({ url: natsUrl, namespace, service: 'orders' })
await ensureTopology(tickets)

// orders listens: decode → handle, in one transaction with the processed_events insert.
let markHandled: () => void
const handled = new Promise<void>((resolve) => (markHandled = resolve))
const listeners = new EventListeners({ bus: orders, db }).on('ticket.created', async (event) => {
  process.stdout.write(
    `orders handled ${event.type} ${event.id}: "${event.data.title}", ${event.data.price} cents\n`,
  )
  markHandled()
})
listeners.start()

// tickets publishes: the event goes into the outbox in the same transaction as the change it announces.
const relay = new OutboxRelay({ db, bus: tickets })
relay.start()
const id = await inTransaction(db, (trx) =>
  writeEvent(trx, 'ticket.created', {
    id: randomUUID(),
    version: 0,
    title: 'Example concert',
    price: 4200,
    currency: 'USD',
    userId: randomUUID(),
  }),
)
process.stdout.write(`tickets wrote ticket.created ${id} to its outbox\n`)

await handled
await relay.stop()
await listeners.stop()
await removeTopology(tickets)
await Promise.all([tickets.close(), orders.close(), db.destroy()])
