import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createTestDatabase, infrastructure, testNamespace, testRedisPrefix } from '../src/index.js'

const migrations = fileURLToPath(new URL('../../common/test/fixtures/migrations/ok', import.meta.url))

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: infrastructure.postgresUrl })
  await client.connect()
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1
  } finally {
    await client.end()
  }
}

describe('the test kit', () => {
  it('creates a migrated database of the test’s own, and drops it', async () => {
    const database = await createTestDatabase('kit', { migrations })
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    const { rows } = await client.query('select count(*)::int as count from widgets')
    await client.end()
    expect(rows).toEqual([{ count: 0 }])

    await database.drop()
    expect(await databaseExists(database.name)).toBe(false)
  })

  it('gives every caller a different namespace', () => {
    const namespaces = new Set(Array.from({ length: 100 }, testNamespace))
    expect(namespaces.size).toBe(100)
    for (const namespace of namespaces) expect(namespace).toMatch(/^t[a-z0-9]{10}$/)
  })

  it('clears exactly the keys under its Redis prefix', async () => {
    const mine = testRedisPrefix()
    const theirs = testRedisPrefix()
    const redis = new Redis(infrastructure.redisUrl)
    try {
      await redis.set(`${mine.prefix}:a`, '1')
      await redis.set(`${mine.prefix}:b`, '2')
      await redis.set(`${theirs.prefix}:a`, '3')
      await mine.clear()
      expect(await redis.exists(`${mine.prefix}:a`, `${mine.prefix}:b`)).toBe(0)
      expect(await redis.get(`${theirs.prefix}:a`)).toBe('3')
      await theirs.clear()
    } finally {
      redis.disconnect()
    }
  })
})
