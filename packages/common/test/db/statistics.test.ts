import { createTestDatabase, type TestDatabase } from '@ticketing/testing'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createDb, statisticsRefresher } from '../../src/index.js'

describe('the statistics refresher', () => {
  let database: TestDatabase
  let db: Kysely<unknown>

  beforeAll(async () => {
    database = await createTestDatabase('statistics')
    db = createDb(database.url, { max: 2 })
    await sql`create table hot (id int primary key, body text)`.execute(db)
    await sql`create table cold (id int primary key)`.execute(db)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  const lastAnalyzed = async (table: string) => {
    const { rows } = await sql<{ analyzed: Date | null }>`
      select last_analyze as analyzed from pg_stat_user_tables where relname = ${table}`.execute(db)
    return rows[0]?.analyzed ?? null
  }

  it('analyzes a watched table soon after a bulk change, and leaves small changes and other tables alone', async () => {
    const refresher = statisticsRefresher({ db, tables: ['hot'], everyMs: 50 })
    refresher.start()
    try {
      await sql`insert into hot select n, 'x' from generate_series(1, 100) as n`.execute(db)
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(await lastAnalyzed('hot')).toBeNull() // 100 rows changed: under the bar of 500

      await sql`insert into hot select n, 'x' from generate_series(101, 5000) as n`.execute(db)
      await sql`insert into cold select n from generate_series(1, 5000) as n`.execute(db)
      await vi.waitFor(async () => expect(await lastAnalyzed('hot')).not.toBeNull(), {
        timeout: 15_000,
        interval: 100,
      })
      expect(await lastAnalyzed('cold')).toBeNull()
    } finally {
      await refresher.stop()
    }
  })
})
