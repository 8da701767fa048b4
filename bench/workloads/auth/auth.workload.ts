import { fork } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createDb, generateJwtKeyPair } from '@ticketing/common'
import { createTestDatabase, infrastructure, testBuses, testRedisPrefix } from '@ticketing/testing'
import { BUILT_ENV } from '@ticketing/stack'
import { httpLoad, type HttpLoadResult } from '../../src/http-load.js'
import type { Measurement, Workload } from '../../src/workload.js'
import type { VerifyJob, VerifyResult } from './argon2-verify.js'
import { startService, type ChildServer } from '../../src/child-process.js'

/** Requests (and verifications) in flight at once, on both sides. */
const IN_FLIGHT = 8

const ROUNDS = 3

const CREDENTIALS = { email: 'bench@example.com', password: 'correct horse battery staple' }
const JSON_HEADERS = { 'content-type': 'application/json' }

/** The one column of auth's database the baseline reads. */
interface StoredUsers {
  users: { email: string; password_hash: string }
}

/**
 * The baseline runs in a child process of its own (argon2-verify.ts) while the service sits idle, so neither
 * the load generator nor the service shares its event loop, and the service need not restart between rounds.
 */
export async function measureVerifications(job: VerifyJob): Promise<VerifyResult> {
  const child = fork(fileURLToPath(new URL('./argon2-verify.ts', import.meta.url)), {
    execArgv: ['--conditions=@ticketing/source', '--import', 'tsx'],
    // The threadpool auth runs argon2id on under `npm start`: the baseline hashes the way the service does.
    env: { ...process.env, UV_THREADPOOL_SIZE: BUILT_ENV.UV_THREADPOOL_SIZE },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = once(child, 'exit')
  child.send(job)
  const [result] = (await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => Promise.reject(new Error(`argon2-verify.ts exited with ${String(code)}`))),
  ])) as [VerifyResult]
  await exited
  return result
}

/** Signs up the bench's one user and returns the password hash the service stored for it. */
async function signUp(serviceUrl: string, databaseUrl: string): Promise<string> {
  const response = await fetch(`${serviceUrl}/api/users/signup`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(CREDENTIALS),
  })
  if (response.status !== 201)
    throw new Error(`sign-up answered ${response.status}: ${await response.text()}`)
  const db = createDb<StoredUsers>(databaseUrl, { max: 1 })
  try {
    const user = await db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', CREDENTIALS.email)
      .executeTakeFirstOrThrow()
    return user.password_hash
  } finally {
    await db.destroy()
  }
}

/**
 * What a sign-in costs beyond its password check: the real auth service, in its own process, signing in one
 * user with the right password (failure count, user look-up, argon2id verify, session and refresh-token
 * inserts, a signed access token), next to bare argon2id verifications of the hash the service stored, so
 * the baseline's parameters are the service's whatever they become. Both sides in alternating rounds, keeping
 * each side's best: on a 2-core machine a single round is mostly noise.
 */
export const authWorkload: Workload = {
  name: 'auth',
  description: `POST /api/users/signin on the auth service vs raw argon2id verify, ${IN_FLIGHT} in flight, best of ${ROUNDS}`,
  async run({ seconds }) {
    // Empty: the service migrates its database at start, as it does in production.
    const database = await createTestDatabase('bench_auth')
    const buses = testBuses()
    const redisPrefix = testRedisPrefix()
    let service: ChildServer | undefined
    try {
      const { privateJwk } = await generateJwtKeyPair()
      service = await startService('auth', {
        DATABASE_URL: database.url,
        NATS_URL: infrastructure.natsUrl,
        EVENTS_NAMESPACE: buses.namespace,
        LOG_LEVEL: 'warn',
        UV_THREADPOOL_SIZE: BUILT_ENV.UV_THREADPOOL_SIZE,
        // The limits would turn a benchmark's thousands of sign-ins from one address into 429s.
        AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
        SIGNIN_FAILURE_LIMIT: '1000000',
        SIGNIN_ADDRESS_FAILURE_LIMIT: '1000000',
        REDIS_URL: infrastructure.redisUrl,
        RATE_LIMIT_PREFIX: redisPrefix.prefix,
        JWT_PRIVATE_KEY: JSON.stringify(privateJwk),
        NODE_ENV: 'production',
      })
      const passwordHash = await signUp(service.url, database.url)

      const rounds = { signIns: [] as HttpLoadResult[], verifications: [] as VerifyResult[] }
      for (let round = 0; round < ROUNDS; round++) {
        rounds.signIns.push(
          await httpLoad(`${service.url}/api/users/signin`, {
            seconds,
            method: 'POST',
            body: JSON.stringify(CREDENTIALS),
            headers: JSON_HEADERS,
            connections: IN_FLIGHT,
          }),
        )
        rounds.verifications.push(
          await measureVerifications({
            passwordHash,
            password: CREDENTIALS.password,
            seconds,
            inFlight: IN_FLIGHT,
          }),
        )
      }

      const baselineName = `argon2id verify, ${IN_FLIGHT} in flight`
      return [
        {
          metric: 'sign-ins/s',
          unit: '/s',
          value: Math.max(...rounds.signIns.map((result) => result.requestsPerSecond)),
          baseline: Math.max(...rounds.verifications.map((result) => result.perSecond)),
          baselineName,
          better: 'higher',
        },
        {
          metric: 'sign-in latency p99',
          unit: 'ms',
          value: Math.min(...rounds.signIns.map((result) => result.latencyP99Ms)),
          baseline: Math.min(...rounds.verifications.map((result) => result.latencyP99Ms)),
          baselineName,
          better: 'lower',
        },
      ] satisfies Measurement[]
    } finally {
      await service?.stop()
      await buses.cleanup()
      await redisPrefix.clear()
      await database.drop()
    }
  },
}
