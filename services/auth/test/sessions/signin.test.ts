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
    expect(response.json()).toEqual({ id, email })
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

  it('after 10 failures for one account answers 429, even to the right password, with Retry-After', async () => {
    const email = auth.email('target')
    await auth.signUp(email)
    for (let attempt = 0; attempt < 10; attempt++)
      expect((await auth.signIn(email, 'guess')).statusCode).toBe(400)
    const limited = await auth.signIn(email, PASSWORD)
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toEqual({
      errors: [{ message: 'Too many failed sign-ins for this account; try again later' }],
    })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800)
    // Other accounts are not affected.
    const other = auth.email()
    await auth.signUp(other)
    expect((await auth.signIn(other)).statusCode).toBe(200)
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
