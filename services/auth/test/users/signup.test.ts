import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, PASSWORD, setCookie, startAuth, type AuthHarness } from '../helpers.js'

describe('POST /api/users/signup', () => {
  let auth: AuthHarness
  beforeAll(async () => (auth = await startAuth()))
  afterAll(() => auth.close())

  const signup = (payload: unknown, headers: Record<string, string> = {}) =>
    auth.app.inject({ method: 'POST', url: '/api/users/signup', payload: payload as object, headers })

  it('creates the account with the email trimmed and lower-cased, and signs it in', async () => {
    const email = auth.email('mixed')
    const response = await signup({ email: `  ${email.toUpperCase()} `, password: PASSWORD })
    expect(response.statusCode).toBe(201)
    const id = response.json<{ id: string }>().id
    // No name chosen: a neutral one from the id, never the email.
    const displayName = `Member ${id.replace(/-/g, '').slice(0, 4).toUpperCase()}`
    expect(response.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email, displayName })

    const session = setCookie(response, 'session')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 900 })
    expect(session?.secure).toBeUndefined()
    expect(setCookie(response, 'refresh')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/api/users',
    })

    const current = await auth.app.inject({
      url: '/api/users/currentuser',
      cookies: { session: session!.value },
    })
    expect(current.json()).toEqual({ currentUser: { id, email, role: 'user', displayName } })
  })

  it('announces user.created through the outbox', async () => {
    const email = auth.email()
    const { id } = await auth.signUp(email)
    const event = await auth.db
      .selectFrom('outbox')
      .select(['type', 'data'])
      .where('type', '=', 'user.created')
      .execute()
    expect(event.map((row) => row.data)).toContainEqual({
      id,
      email,
      role: 'user',
      displayName: expect.stringMatching(/^Member [0-9A-F]{4}$/),
      version: 0,
    })
  })

  it('makes ADMIN_EMAILS admins, and ignores a role in the body', async () => {
    const admin = await signup({ email: ADMIN_EMAIL, password: PASSWORD })
    const adminCookie = setCookie(admin, 'session')!.value
    expect(
      (await auth.app.inject({ url: '/api/users/currentuser', cookies: { session: adminCookie } })).json(),
    ).toMatchObject({
      currentUser: { role: 'admin' },
    })
    const sneaky = await signup({ email: auth.email(), password: PASSWORD, role: 'admin' })
    const sneakyCookie = setCookie(sneaky, 'session')!.value
    expect(
      (await auth.app.inject({ url: '/api/users/currentuser', cookies: { session: sneakyCookie } })).json(),
    ).toMatchObject({
      currentUser: { role: 'user' },
    })
  })

  it.each([
    [
      { email: 'not-an-email', password: PASSWORD },
      [{ field: 'email', message: 'Email must be a valid email address' }],
    ],
    [
      { email: 'a@example.com', password: 'short' },
      [{ field: 'password', message: 'Password must be at least 8 characters' }],
    ],
    [
      { email: 'a@example.com', password: 'x'.repeat(129) },
      [{ field: 'password', message: 'Password must be at most 128 characters' }],
    ],
    [
      { email: 'a@example.com', password: '          ' },
      [{ field: 'password', message: 'Password must not be blank' }],
    ],
    [
      { email: '', password: '' },
      [
        { field: 'email', message: 'Email must be a valid email address' },
        { field: 'password', message: 'Password must not be blank' },
      ],
    ],
    [{ password: PASSWORD }, [{ field: 'email', message: 'Email is required' }]],
    [
      { email: 'a@example.com', password: 12345678 },
      [{ field: 'password', message: 'Password must be a string' }],
    ],
  ])('refuses %j with 400 naming the field', async (payload, errors) => {
    const response = await signup(payload)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors })
  })

  it('refuses an email in use, whatever its case, and creates one account when two race for it', async () => {
    const email = auth.email('taken')
    await auth.signUp(email)
    const again = await signup({ email: email.toUpperCase(), password: PASSWORD })
    expect(again.statusCode).toBe(400)
    expect(again.json()).toEqual({ errors: [{ field: 'email', message: 'Email is already in use' }] })

    const contested = auth.email('race')
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => signup({ email: contested, password: PASSWORD })),
    )
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 400, 400, 400, 400])
  })

  it('refuses a sign-up posted from another site', async () => {
    const fromElsewhere = await signup(
      { email: auth.email(), password: PASSWORD },
      { origin: 'https://evil.example' },
    )
    expect(fromElsewhere.statusCode).toBe(403)
    expect(fromElsewhere.json()).toEqual({
      errors: [{ message: 'Requests from other sites are not allowed' }],
    })
    const crossSite = await signup(
      { email: auth.email(), password: PASSWORD },
      { 'sec-fetch-site': 'cross-site' },
    )
    expect(crossSite.statusCode).toBe(403)
    const fromUs = await signup(
      { email: auth.email(), password: PASSWORD },
      { origin: auth.config.PUBLIC_URL },
    )
    expect(fromUs.statusCode).toBe(201)
  })
})
