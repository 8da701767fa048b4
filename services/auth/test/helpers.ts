import { connectRateLimitRedis, createDb, generateJwtKeyPair, loadJwtKeys } from '@ticketing/common'
import { createTestDatabase, infrastructure, testBuses, testRedisPrefix } from '@ticketing/testing'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { migrationsFolder } from '../src/db/migrate.js'
import type { Database } from '../src/db/schema.js'
import { startWorkers } from '../src/workers.js'

export const ADMIN_EMAIL = 'admin@example.com'
export const PASSWORD = 'correct horse battery'

/**
 * The auth service in-process: its own migrated database, an events namespace and Redis prefix of its own, a
 * fresh key pair and its workers running. close() releases everything.
 */
export async function startAuth(env: Record<string, string> = {}) {
  const database = await createTestDatabase('auth', { migrations: migrationsFolder })
  const buses = testBuses()
  const bus = await buses.connect('auth')
  const redisPrefix = testRedisPrefix()
  const { privateJwk, publicJwk } = await generateJwtKeyPair()
  const config = readConfig({
    DATABASE_URL: database.url,
    EVENTS_NAMESPACE: buses.namespace,
    JWT_PRIVATE_KEY: JSON.stringify(privateJwk),
    ADMIN_EMAILS: ADMIN_EMAIL,
    REDIS_URL: infrastructure.redisUrl,
    RATE_LIMIT_PREFIX: redisPrefix.prefix,
    ...env,
  })
  const keys = await loadJwtKeys({ privateKey: config.JWT_PRIVATE_KEY })
  const db = createDb<Database>(database.url)
  const others: { close(): Promise<void> }[] = []
  const app = await buildApp({
    config,
    db,
    bus,
    keys,
    redis: connectRateLimitRedis(config.REDIS_URL),
    logger: false,
  })
  startWorkers(app, { config, db, bus })
  await app.ready()

  let emails = 0
  return {
    app,
    db,
    config,
    buses,
    publicJwk,
    privateJwk,
    /** A new unique address. */
    email: (name = 'user') => `${name}${++emails}-${buses.namespace}@example.com`,
    async signUp(email: string, password = PASSWORD) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/users/signup',
        payload: { email, password },
      })
      if (response.statusCode !== 201) throw new Error(`signup failed: ${response.body}`)
      return { id: response.json<{ id: string }>().id, cookies: cookiesOf(response) }
    },
    async signIn(email: string, password = PASSWORD) {
      return app.inject({ method: 'POST', url: '/api/users/signin', payload: { email, password } })
    },
    /**
     * Another instance of auth, as a second replica runs: its own pool, bus connection and Redis connection,
     * the same database, namespace and Redis prefix. Closed with the harness.
     */
    async anotherInstance() {
      const other = await buildApp({
        config,
        db: createDb<Database>(database.url),
        bus: await buses.connect('auth'),
        keys,
        redis: connectRateLimitRedis(config.REDIS_URL),
        logger: false,
      })
      await other.ready()
      others.push(other)
      return other
    },
    async close() {
      for (const other of others) await other.close()
      await app.close()
      await buses.cleanup()
      await redisPrefix.clear()
      await database.drop()
    },
  }
}

export type AuthHarness = Awaited<ReturnType<typeof startAuth>>

/** The cookies a response sets, by name (value only). */
export function cookiesOf(response: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie.value]))
}

export function setCookie(response: LightMyRequestResponse, name: string) {
  return response.cookies.find((cookie) => cookie.name === name)
}
