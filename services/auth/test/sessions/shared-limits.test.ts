import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, startAuth, type AuthHarness } from '../helpers.js'

/** Two replicas of auth behind one gateway: the counters are in Redis, so a guesser cannot spread out. */
describe('sign-in limits shared by every instance', () => {
  let auth: AuthHarness
  beforeAll(
    async () => (auth = await startAuth({ SIGNIN_FAILURE_LIMIT: '4', AUTH_RATE_LIMIT_PER_MINUTE: '6' })),
  )
  afterAll(() => auth.close())

  it('the second instance sees the failures counted by the first', async () => {
    const second = await auth.anotherInstance()
    const email = auth.email()
    await auth.signUp(email)
    const signIn = (app: typeof second, password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/users/signin',
        payload: { email, password },
        remoteAddress: '10.9.0.1',
      })
    for (let attempt = 0; attempt < 4; attempt++)
      expect((await signIn(auth.app, 'guess')).statusCode).toBe(400)
    const onSecond = await signIn(second, PASSWORD)
    expect(onSecond.statusCode).toBe(429)
    expect(Number(onSecond.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('so does the per-address budget of sign-ups and sign-ins', async () => {
    const second = await auth.anotherInstance()
    const signUp = (app: typeof second) =>
      app.inject({
        method: 'POST',
        url: '/api/users/signup',
        payload: { email: auth.email(), password: PASSWORD },
        remoteAddress: '10.9.0.2',
      })
    const statuses = []
    for (let attempt = 0; attempt < 7; attempt++)
      statuses.push((await signUp(attempt % 2 ? second : auth.app)).statusCode)
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429])
  })
})

/** A rate limiter must not take sign-in down: with Redis away the limits fail open. */
describe('sign-in with Redis away', () => {
  let auth: AuthHarness
  // Nothing listens on port 1.
  beforeAll(async () => (auth = await startAuth({ REDIS_URL: 'redis://127.0.0.1:1' })))
  afterAll(() => auth.close())

  it('still signs up and signs in, and a wrong password is still a plain 400', async () => {
    const email = auth.email()
    await auth.signUp(email)
    expect((await auth.signIn(email, 'wrong')).statusCode).toBe(400)
    expect((await auth.signIn(email)).statusCode).toBe(200)
  })
})
