import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createDb } from '@ticketing/common'
import { createTestDatabase } from '@ticketing/testing'
import { sql } from 'kysely'

const execFileAsync = promisify(execFile)

export interface PgbenchBaselines {
  /** Single-row UPDATEs of random rows per second. */
  updatesPerSecond: number
  /** Wall time of `hotUpdates` UPDATEs of one and the same row. */
  hotRowMs: number
  /** Single-row SELECTs by primary key per second (pgbench's select-only), with `selectClients`. */
  selectsPerSecond: number
}

/**
 * Runs one pgbench script against the database at `url` (its host, port and user too) and returns the tps
 * pgbench reports without its initial connection time, as the service side is measured with its
 * connections already open.
 */
async function pgbench(url: string, scriptFile: string, options: string[]): Promise<number> {
  const { hostname, port, username, password, pathname } = new URL(url)
  const args = [
    ...['-h', hostname, '-p', port || '5432', '-U', decodeURIComponent(username), '-n'],
    ...options,
    ...['-f', scriptFile, decodeURIComponent(pathname.slice(1))],
  ]
  const env = password ? { ...process.env, PGPASSWORD: decodeURIComponent(password) } : process.env
  const { stdout } = await execFileAsync('pgbench', args, { env }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      throw new Error('pgbench is not installed: it comes with the Debian package postgresql-client')
    }
    throw error
  })
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)
  if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`)
  return Number(tps[1])
}

/**
 * What PostgreSQL alone does on this machine, in a scratch database of the same server: single-row
 * UPDATEs of `rows` rows from `clients` connections for `seconds`, `hotUpdates` (a multiple of
 * `clients`) UPDATEs of one row from as many connections, all queueing for its row lock, and single-row
 * SELECTs (pgbench's select-only) for `seconds`.
 */
export async function measurePgbench(options: {
  seconds: number
  rows: number
  clients: number
  hotUpdates: number
  /** Clients of the select-only run; default `clients`. */
  selectClients?: number
}): Promise<PgbenchBaselines> {
  const { seconds, rows, clients, hotUpdates, selectClients = clients } = options
  const database = await createTestDatabase('bench_pgbench')
  const scripts = await mkdtemp(path.join(os.tmpdir(), 'bench-pgbench-'))
  try {
    const db = createDb(database.url, { max: 1 })
    try {
      await sql`create table counters (id integer primary key, n integer not null)`.execute(db)
      await sql`insert into counters select id, 0 from generate_series(1, ${rows}) as id`.execute(db)
    } finally {
      await db.destroy()
    }

    const concurrency = ['-c', String(clients), '-j', '2']
    const randomRow = path.join(scripts, 'random-row.sql')
    await writeFile(randomRow, `\\set id random(1, ${rows})\nupdate counters set n = n + 1 where id = :id;\n`)
    const updatesPerSecond = await pgbench(database.url, randomRow, [...concurrency, '-T', String(seconds)])

    const hotRow = path.join(scripts, 'hot-row.sql')
    await writeFile(hotRow, 'update counters set n = n + 1 where id = 1;\n')
    const hotTps = await pgbench(database.url, hotRow, [...concurrency, '-t', String(hotUpdates / clients)])

    const select = path.join(scripts, 'select.sql')
    await writeFile(select, `\\set id random(1, ${rows})\nselect n from counters where id = :id;\n`)
    const selectsPerSecond = await pgbench(database.url, select, [
      ...['-c', String(selectClients), '-j', '2', '-T', String(seconds)],
    ])
    return { updatesPerSecond, hotRowMs: (hotUpdates / hotTps) * 1000, selectsPerSecond }
  } finally {
    await rm(scripts, { recursive: true, force: true })
    await database.drop()
  }
}
