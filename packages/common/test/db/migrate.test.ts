import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { nameTestDatabase, type TestDatabase } from '@ticketing/testing'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createDb, migrateToLatest, MigrationFailedError } from '../../src/index.js'

const folder = (name: string) => fileURLToPath(new URL(`../fixtures/migrations/${name}`, import.meta.url))

async function tables(url: string): Promise<string[]> {
  const db = createDb(url, { max: 1 })
  try {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
      db,
    )
    return rows.map((row) => row.table_name)
  } finally {
    await db.destroy()
  }
}

describe('migrateToLatest', () => {
  const databases: TestDatabase[] = []
  const database = () => {
    const created = nameTestDatabase('migrate')
    databases.push(created)
    return created
  }
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((created) => created.drop()))
  })

  it('creates a missing database and applies every migration in order', async () => {
    const { url } = database()
    const results = await migrateToLatest(url, folder('ok'))
    expect(results.map((result) => [result.migrationName, result.status])).toEqual([
      ['2026_01_01_0900_create_widgets', 'Success'],
      ['2026_01_01_0910_add_widget_price', 'Success'],
    ])
    expect(await tables(url)).toEqual(['kysely_migration', 'kysely_migration_lock', 'widgets'])
  })

  it('does nothing on a second run', async () => {
    const { url } = database()
    await migrateToLatest(url, folder('ok'))
    expect(await migrateToLatest(url, folder('ok'))).toEqual([])
  })

  it('throws on a failing migration and leaves nothing half-applied', async () => {
    const { url } = database()
    await expect(migrateToLatest(url, folder('failing'))).rejects.toThrow(MigrationFailedError)
    await expect(migrateToLatest(url, folder('failing'))).rejects.toThrow(/2026_01_01_0910_broken failed/)
    expect(await tables(url)).not.toContain('widgets')
  })

  it('as a command, exits non-zero on failure and zero on success', async () => {
    const { url } = database()
    const command = fileURLToPath(new URL('../fixtures/migrate-command.ts', import.meta.url))
    const run = (migrations: string) =>
      promisify(execFile)(
        process.execPath,
        ['--conditions=@ticketing/source', '--import', 'tsx', command, migrations],
        {
          env: { ...process.env, DATABASE_URL: url },
        },
      )

    await expect(run(folder('failing'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no_such_table'),
    })
    const success = await run(folder('ok'))
    expect(success.stdout).toContain('applied 2026_01_01_0910_add_widget_price')
    expect((await run(folder('ok'))).stdout).toMatch(/up to date/)
    // Three processes each compiling TypeScript at start: on a busy two-core machine that takes a while.
  }, 90_000)
})
