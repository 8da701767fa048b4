import { defaultDisplayName } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cookiesOf, PASSWORD, startAuth, type AuthHarness } from '../helpers.js'

describe('POST /api/users/signin', () => {
  let auth: AuthHarness
  beforeAll(async () => (auth = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: '40' })))
  afterAll(() => auth.close())

  it('signs in with the right password, whatever the email’s case and spacing', async () => {
    const email = auth.email()
    const { id } = await auth.signUp(email)
    const response = await auth.signIn(` ${email.toUpperCase()}`)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ id, email, displayName: defaultDisplayName(id) })
    expect(Object.keys(cookiesOf(response)).sort()).toEqual(['refresh', 'session'])
  })

  it('answers a wrong password and an unknown email with the same 400 and message', async () => {
    const email = auth.email()
    await auth.signUp(email)
    const wrongPassword = await auth.signIn(email, 'not the password')
    const unknownEmail = await auth.signIn(auth.email('nobody'), PASSWORD)
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({ errors: [{ message: 'Invalid email or password' }] })
      expect(response.cookies).toEqual([])
    }
  })

  it('validates the body', async () => {
    const response = await auth.app.inject({
      method: 'POST',
      url: '/api/users/signin',
      payload: { email: 'a@b.c' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ field: 'password', message: 'Password is required' }] })
  })

  it('names the field of a malformed email, an over-long one and a blank or over-long password', async () => {
    const cases = [
      [{ email: 'not-an-email', password: PASSWORD }, 'email', 'Email must be a valid email address'],
      [
        { email: `${'a'.repeat(250)}@b.co`, password: PASSWORD },
        'email',
        'Email must be at most 254 characters',
      ],
      [{ email: auth.email(), password: '' }, 'password', 'Password must not be blank'],
      [{ email: auth.email(), password: '   ' }, 'password', 'Password must not be blank'],
      [
        { email: auth.email(), password: 'x'.repeat(129) },
        'password',
        'Password must be at most 128 characters',
      ],
    ] as const
    for (const [payload, field, message] of cases) {
      const response = await auth.app.inject({ method: 'POST', url: '/api/users/signin', payload })
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400)
      expect(response.json()).toEqual({ errors: [{ field, message }] })
    }
  })
})

describe('sign-in throttling', () => {
  let auth: AuthHarness
  beforeAll(
    async () =>
      (auth = await startAuth({
        AUTH_RATE_LIMIT_PER_MINUTE: '1000',
        SIGNIN_FAILURE_LIMIT: '3',
        SIGNIN_ADDRESS_FAILURE_LIMIT: '8',
      })),
  )
  afterAll(() => auth.close())

  const signInFrom = (remoteAddress: string, email: string, password: string) =>
    auth.app.inject({ method: 'POST', url: '/api/users/signin', payload: { email, password }, remoteAddress })

  it('after 3 failures for one account from one address answers that address 429 with Retry-After; the owner elsewhere still signs in', async () => {
    const email = auth.email('target')
    await auth.signUp(email)
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await signInFrom('10.0.0.1', email, 'guess')).statusCode).toBe(400)
    const limited = await signInFrom('10.0.0.1', email, PASSWORD)
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toEqual({ errors: [{ message: 'Too many failed sign-ins; try again later' }] })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800)
    expect((await signInFrom('10.0.0.2', email, PASSWORD)).statusCode).toBe(200)
  })

  it('a successful sign-in clears the account’s count from that address', async () => {
    const email = auth.email()
    await auth.signUp(email)
    for (let round = 0; round < 3; round++) {
      expect((await signInFrom('10.0.1.1', email, 'typo')).statusCode).toBe(400)
      expect((await signInFrom('10.0.1.1', email, 'typo')).statusCode).toBe(400)
      expect((await signInFrom('10.0.1.1', email, PASSWORD)).statusCode).toBe(200)
    }
  })

  it('parallel wrong guesses cannot exceed the limit: the rest are 429 before any password is checked', async () => {
    const email = auth.email()
    await auth.signUp(email)
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => signInFrom('10.0.2.1', email, 'guess')),
    )
    const statuses = responses.map((response) => response.statusCode).sort()
    expect(statuses).toEqual([...Array<number>(3).fill(400), ...Array<number>(9).fill(429)])
  })

  it('one address guessing across many accounts is stopped by its own budget', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 9; attempt++)
      statuses.push((await signInFrom('10.0.3.1', auth.email('probe'), 'guess')).statusCode)
    expect(statuses).toEqual([...Array<number>(8).fill(400), 429])
  })

  it('a guess refused for its account takes nothing from its address’s budget', async () => {
    const email = auth.email('locked')
    for (let attempt = 0; attempt < 3; attempt++)
      expect((await signInFrom('10.0.4.1', email, 'guess')).statusCode).toBe(400)
    for (let attempt = 0; attempt < 10; attempt++)
      expect((await signInFrom('10.0.4.1', email, 'guess')).statusCode).toBe(429)
    // The address spent 3 of its 8 on the first account: 5 more guesses elsewhere are checked, the 6th is not.
    const statuses: number[] = []
    for (let attempt = 0; attempt < 6; attempt++)
      statuses.push((await signInFrom('10.0.4.1', auth.email('other'), 'guess')).statusCode)
    expect(statuses).toEqual([...Array<number>(5).fill(400), 429])
  })
})

describe('sign-ins and sign-ups per client address', () => {
  let auth: AuthHarness
  beforeAll(async () => (auth = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: '5' })))
  afterAll(() => auth.close())

  it('are limited together, answered with 429 and Retry-After', async () => {
    const email = auth.email()
    await auth.signUp(email)
    for (let attempt = 0; attempt < 4; attempt++) expect((await auth.signIn(email)).statusCode).toBe(200)
    const limited = await auth.signIn(email)
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toEqual({ errors: [{ message: 'Too many requests; try again later' }] })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    const fromElsewhere = await auth.app.inject({
      method: 'POST',
      url: '/api/users/signin',
      payload: { email, password: PASSWORD },
      remoteAddress: '10.1.2.3',
    })
    expect(fromElsewhere.statusCode).toBe(200)
  })
})
