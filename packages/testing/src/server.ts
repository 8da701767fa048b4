// The PostgreSQL server side of test databases, without @ticketing/common: the global setup loads this
// before any workspace package can be resolved from source.
import pg from 'pg'
import { infrastructure } from './infrastructure.js'
import { randomId } from './names.js'

/** Test databases are named `test_<created, minutes since epoch, base 36>_<label>_<random>`. */
const PREFIX = 'test_'
const STALE_AFTER_MINUTES = 6 * 60

function urlFor(database: string, base = infrastructure.postgresUrl): string {
  const url = new URL(base)
  url.pathname = `/${database}`
  return url.toString()
}

export async function withServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor('postgres') })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export interface TestDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

/**
 * Names a database of this test's own and returns its URL; it is not created here, so a test can show that
 * the migration runner creates it. `createTestDatabase` creates it too.
 */
export function nameTestDatabase(label: string): TestDatabase {
  const minutes = Math.floor(Date.now() / 60_000).toString(36)
  const name = `${PREFIX}${minutes}_${label
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20)}_${randomId(6)}`
  return {
    name,
    url: urlFor(name),
    drop: () => dropDatabase(name),
  }
}

/**
 * Drops a database once its connections are gone. Pools report closed before their sockets are, so a forced
 * drop at once would kill connections that are already leaving (and make them raise errors); give them a
 * moment, then force whatever is still there.
 */
async function dropDatabase(name: string): Promise<void> {
  await withServer(async (client) => {
    const drop = `drop database if exists ${client.escapeIdentifier(name)}`
    for (let attempt = 0; attempt < 40; attempt++) {
      try {
        await client.query(drop)
        return
      } catch (error) {
        if ((error as { code?: string }).code !== '55006') throw error // object_in_use
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    await client.query(`${drop} with (force)`)
  })
}

/** Drops test databases that a crashed run left behind hours ago; recent ones may belong to a live run. */
export async function dropStaleTestDatabases(): Promise<number> {
  const now = Math.floor(Date.now() / 60_000)
  const { rows } = await withServer((client) =>
    client.query<{ datname: string }>(`select datname from pg_database where datname like 'test\\_%'`),
  )
  const stale = rows
    .map((row) => row.datname)
    .filter((name) => {
      const created = parseInt(name.slice(PREFIX.length).split('_')[0] ?? '', 36)
      return Number.isFinite(created) && now - created > STALE_AFTER_MINUTES
    })
  for (const name of stale) await dropDatabase(name)
  return stale.length
}
