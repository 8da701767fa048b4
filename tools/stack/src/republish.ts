import { parseArgs } from 'node:util'
import { createDb, republishSince, serviceNames, services, type EventTables } from '@ticketing/common'

/**
 * `npm run events:republish -- --since 2026-11-28T09:00Z [--service orders]`: after the bus lost its store,
 * every service's events published since then go out again (their relays pick them up within a second, or
 * at their next start). DATABASE_URL names the PostgreSQL server (default the local one on 5432; the one
 * `npm start` started itself is postgres://postgres:postgres@127.0.0.1:5433/postgres); each service's
 * database on it is the one in the table of services.
 */
const { values } = parseArgs({
  options: { since: { type: 'string' }, service: { type: 'string', multiple: true } },
})
const since = new Date(values.since ?? '')
const chosen = values.service ?? serviceNames
const unknown = chosen.filter((name) => !serviceNames.includes(name as never))
if (Number.isNaN(since.getTime()) || unknown.length > 0) {
  process.stderr.write(
    'usage: npm run events:republish -- --since <ISO date and time> [--service <name> ...]\n' +
      (unknown.length > 0 ? `unknown service: ${unknown.join(', ')}\n` : ''),
  )
  process.exit(2)
}

const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
for (const name of serviceNames.filter((service) => chosen.includes(service))) {
  const database = services[name].database
  if (!database) continue // expiration keeps no outbox: its timers publish straight to the bus
  const url = new URL(server)
  url.pathname = `/${database}`
  const db = createDb<EventTables>(url.toString(), { max: 1 })
  try {
    const count = await republishSince(db, since)
    process.stdout.write(`${name}: ${count} events since ${since.toISOString()} will be published again\n`)
  } finally {
    await db.destroy()
  }
}
