import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  Kysely,
  Migrator,
  PostgresDialect,
  type Migration,
  type MigrationProvider,
  type MigrationResult,
} from 'kysely'
import pg from 'pg'
import { pgErrorCode } from './transaction.js'

/** The database a URL names, and a URL for the same server's maintenance database `postgres`. */
function splitUrl(url: string): { name: string; serverUrl: string } {
  const parsed = new URL(url)
  const name = decodeURIComponent(parsed.pathname.slice(1))
  if (!name) throw new Error(`DATABASE_URL names no database: ${parsed.origin}`)
  parsed.pathname = '/postgres'
  return { name, serverUrl: parsed.toString() }
}

/** Creates the database a URL names when it does not exist yet. Safe to race: the loser sees it exists. */
export async function ensureDatabase(url: string): Promise<'created' | 'exists'> {
  const { name, serverUrl } = splitUrl(url)
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name])
    if (found.rowCount) return 'exists'
    await client.query(`create database ${client.escapeIdentifier(name)}`)
    return 'created'
  } catch (error) {
    // duplicate_database, or unique_violation on pg_database when two creators race
    if (pgErrorCode(error) === '42P04' || pgErrorCode(error) === '23505') return 'exists'
    throw error
  } finally {
    await client.end()
  }
}

/**
 * The migrations of a folder, by file name: `.ts` from source (tests, tsx) or `.js` from a build. Imported
 * here rather than by Kysely's FileMigrationProvider so that the test runner's loader resolves them too.
 */
class FolderMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.folder)).filter((file) => /^[^.]+\.(ts|js)$/.test(file)).sort()
    const migrations: Record<string, Migration> = {}
    for (const file of files) {
      migrations[file.replace(/\.(ts|js)$/, '')] = (await import(
        pathToFileURL(path.join(this.folder, file)).href
      )) as Migration
    }
    return migrations
  }
}

export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`Migration ${migration ?? '(unknown)'} failed: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    })
    this.name = 'MigrationFailedError'
  }
}

/**
 * Creates the database if needed and applies every pending migration from `folder` in name order. Kysely's
 * Migrator runs all of them in one transaction on PostgreSQL (and holds a lock, so two instances starting at
 * once apply them once): when one fails, none of this run's is applied. Applied ones are recorded, so a
 * second run is a no-op. Throws on the failure.
 */
export async function migrateToLatest(url: string, folder: string): Promise<MigrationResult[]> {
  await ensureDatabase(url)
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  })
  try {
    const migrator = new Migrator({
      db,
      provider: new FolderMigrationProvider(folder),
    })
    const { error, results = [] } = await migrator.migrateToLatest()
    if (error) throw new MigrationFailedError(results.find((r) => r.status === 'Error')?.migrationName, error)
    return results
  } finally {
    await db.destroy()
  }
}

/**
 * The `db:migrate` script of a service: prints what it applied, and on failure prints why and sets a
 * non-zero exit code, so a deploy stops rather than starting a service on a half-migrated schema.
 */
export async function migrateCommand(url: string, folder: string): Promise<void> {
  try {
    const results = await migrateToLatest(url, folder)
    const applied = results.filter((result) => result.status === 'Success')
    const name = splitUrl(url).name
    process.stdout.write(
      applied.length === 0
        ? `${name}: up to date\n`
        : applied.map((result) => `${name}: applied ${result.migrationName}\n`).join(''),
    )
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`)
    process.exitCode = 1
  }
}
