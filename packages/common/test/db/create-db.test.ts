import { createTestDatabase, type TestDatabase } from '@ticketing/testing'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, inTransaction } from '../../src/index.js'

interface Database {
  shows: { id: string; title: string; venue?: string | null }
}

describe('createDb: prepared statements', () => {
  let database: TestDatabase
  let db: Kysely<Database>

  beforeAll(async () => {
    database = await createTestDatabase('prepared')
    db = createDb<Database>(database.url, { max: 1 })
    await sql`create table shows (id text primary key, title text not null)`.execute(db)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  const show = (id: string) => db.selectFrom('shows').selectAll().where('id', '=', id).executeTakeFirst()
  const preparedOnServer = async () =>
    (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(db)).rows.map(
      (row) => row.name,
    )

  it('prepares a statement with parameters once per connection and runs it by name from then on', async () => {
    await db.insertInto('shows').values({ id: 'a', title: 'Opening night' }).execute()
    for (let run = 0; run < 7; run++) expect(await show('a')).toEqual({ id: 'a', title: 'Opening night' })
    const names = await preparedOnServer()
    // One connection: the insert and the select, each prepared once however often it ran.
    expect(names).toHaveLength(2)
    expect(new Set(names).size).toBe(2)
  })

  it('runs a statement with many parameters (a list of varying length) without preparing it', async () => {
    const before = await preparedOnServer()
    const ids = Array.from({ length: 40 }, (_, n) => `missing-${n}`)
    expect(await db.selectFrom('shows').select('id').where('id', 'in', ids).execute()).toEqual([])
    expect(await preparedOnServer()).toEqual(before)
  })

  it('prepares anew, and runs again, a statement whose columns a migration changed', async () => {
    for (let run = 0; run < 6; run++) await show('a')
    await sql`alter table shows add column venue text`.execute(db)
    expect(await show('a')).toEqual({ id: 'a', title: 'Opening night', venue: null })
  })

  it('runs a transaction again when a migration made one of its statements stale', async () => {
    for (let run = 0; run < 6; run++) await show('a')
    await sql`alter table shows drop column venue`.execute(db)
    let attempts = 0
    const found = await inTransaction(db, async (trx) => {
      attempts++
      return trx.selectFrom('shows').selectAll().where('id', '=', 'a').executeTakeFirst()
    })
    expect(found).toEqual({ id: 'a', title: 'Opening night' })
    expect(attempts).toBe(2)
  })
})
