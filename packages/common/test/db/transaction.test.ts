import { createTestDatabase, type TestDatabase } from '@ticketing/testing'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, inTransaction } from '../../src/index.js'

interface Database {
  counters: { id: string; value: number }
}

describe('inTransaction', () => {
  let database: TestDatabase
  let db: Kysely<Database>

  beforeAll(async () => {
    database = await createTestDatabase('transaction')
    db = createDb<Database>(database.url, { max: 12 })
    await sql`create table counters (id text primary key, value bigint not null)`.execute(db)
  })
  afterAll(async () => {
    await db.destroy()
    await database.drop()
  })

  const value = async (id: string) =>
    (await db.selectFrom('counters').select('value').where('id', '=', id).executeTakeFirst())?.value

  it('commits the work, and reads bigint as a number', async () => {
    await inTransaction(db, (trx) => trx.insertInto('counters').values({ id: 'a', value: 41 }).execute())
    expect(await value('a')).toBe(41)
  })

  it('rolls back everything when the work throws', async () => {
    await expect(
      inTransaction(db, async (trx) => {
        await trx.insertInto('counters').values({ id: 'b', value: 1 }).execute()
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(await value('b')).toBeUndefined()
  })

  it('retries serialization failures until every concurrent increment lands', async () => {
    await db.insertInto('counters').values({ id: 'c', value: 0 }).execute()
    const increment = () =>
      inTransaction(
        db,
        async (trx) => {
          const row = await trx
            .selectFrom('counters')
            .select('value')
            .where('id', '=', 'c')
            .executeTakeFirstOrThrow()
          await trx
            .updateTable('counters')
            .set({ value: row.value + 1 })
            .where('id', '=', 'c')
            .execute()
        },
        { isolation: 'serializable', retries: 50 },
      )
    await Promise.all(Array.from({ length: 10 }, increment))
    expect(await value('c')).toBe(10)
  })
})
