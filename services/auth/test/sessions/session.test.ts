import { defaultDisplayName } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cookiesOf, setCookie, startAuth, type AuthHarness } from '../helpers.js'

const GRACE_MS = 300

describe('sessions', () => {
  let auth: AuthHarness
  beforeAll(async () => (auth = await startAuth({ REFRESH_REUSE_GRACE_SECONDS: String(GRACE_MS / 1000) })))
  afterAll(() => auth.close())

  const currentUser = async (session?: string) =>
    (await auth.app.inject({ url: '/api/users/currentuser', cookies: session ? { session } : {} })).json()
  const refresh = (refreshToken?: string) =>
    auth.app.inject({
      method: 'POST',
      url: '/api/users/refresh',
      cookies: refreshToken ? { refresh: refreshToken } : {},
    })

  it('GET /currentuser is { currentUser: null } when signed out or the token is garbage', async () => {
    expect(await currentUser()).toEqual({ currentUser: null })
    expect(await currentUser('not.a.token')).toEqual({ currentUser: null })
  })

  it('POST /signout ends the session and clears both cookies, each with its own path', async () => {
    const { cookies } = await auth.signUp(auth.email())
    const response = await auth.app.inject({ method: 'POST', url: '/api/users/signout', cookies })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({})
    expect(setCookie(response, 'session')).toMatchObject({ value: '', path: '/', maxAge: 0 })
    expect(setCookie(response, 'refresh')).toMatchObject({ value: '', path: '/api/users', maxAge: 0 })
    expect((await refresh(cookies.refresh)).statusCode).toBe(401)
  })

  it('POST /signout is read-your-writes: auth refuses the old access token the moment it answers', async () => {
    const { id, cookies } = await auth.signUp(auth.email())
    expect(await currentUser(cookies.session)).toMatchObject({ currentUser: { id } })
    await auth.app.inject({ method: 'POST', url: '/api/users/signout', cookies })
    expect(await currentUser(cookies.session)).toEqual({ currentUser: null })
  })

  it('POST /signout-all is read-your-writes too, for every session of the user', async () => {
    const email = auth.email()
    const { cookies: laptop } = await auth.signUp(email)
    const phone = cookiesOf(await auth.signIn(email))
    await auth.app.inject({ method: 'POST', url: '/api/users/signout-all', cookies: laptop })
    expect(await currentUser(laptop.session)).toEqual({ currentUser: null })
    expect(await currentUser(phone.session)).toEqual({ currentUser: null })
  })

  it('POST /signout when signed out is a harmless 200', async () => {
    expect((await auth.app.inject({ method: 'POST', url: '/api/users/signout' })).statusCode).toBe(200)
  })

  it('POST /refresh rotates: the new pair works, the old refresh token fails, and its reuse after the grace ends the family', async () => {
    const email = auth.email()
    const { id, cookies: first } = await auth.signUp(email)

    const rotated = await refresh(first.refresh)
    expect(rotated.statusCode).toBe(200)
    expect(rotated.json()).toEqual({ id, email, displayName: defaultDisplayName(id) })
    const second = cookiesOf(rotated)
    expect(second.refresh).not.toBe(first.refresh)
    expect(await currentUser(second.session)).toMatchObject({ currentUser: { id } })

    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 100))
    const reused = await refresh(first.refresh)
    expect(reused.statusCode).toBe(401)
    expect(reused.json()).toEqual({ errors: [{ message: 'Your session has expired; please sign in again' }] })
    expect(setCookie(reused, 'session')?.maxAge).toBe(0)
    expect(setCookie(reused, 'refresh')?.maxAge).toBe(0)
    // The reuse revoked the whole session: the latest refresh token is dead too.
    expect((await refresh(second.refresh)).statusCode).toBe(401)
    const revoked = await auth.db
      .selectFrom('outbox')
      .select('data')
      .where('type', '=', 'session.revoked')
      .execute()
    expect(revoked.map((row) => row.data)).toContainEqual(expect.objectContaining({ userId: id }))
  })

  it('POST /refresh: two tabs presenting the same token at once both get a pair, and the session lives on', async () => {
    const { id, cookies } = await auth.signUp(auth.email())
    const [one, two] = await Promise.all([refresh(cookies.refresh), refresh(cookies.refresh)])
    expect([one.statusCode, two.statusCode]).toEqual([200, 200])
    const [a, b] = [cookiesOf(one), cookiesOf(two)]
    expect(a.refresh).not.toBe(b.refresh)
    for (const pair of [a, b]) {
      expect(await currentUser(pair.session)).toMatchObject({ currentUser: { id } })
    }
    expect((await refresh(a.refresh)).statusCode).toBe(200)
    expect((await refresh(b.refresh)).statusCode).toBe(200)
  })

  it('POST /refresh without a refresh token is 401', async () => {
    expect((await refresh()).statusCode).toBe(401)
    expect((await refresh('made-up')).statusCode).toBe(401)
  })

  it('POST /signout-all ends every session of the user; it needs a sign-in', async () => {
    const email = auth.email()
    const { cookies: laptop } = await auth.signUp(email)
    const phone = cookiesOf(await auth.signIn(email))
    expect((await auth.app.inject({ method: 'POST', url: '/api/users/signout-all' })).statusCode).toBe(401)
    const response = await auth.app.inject({ method: 'POST', url: '/api/users/signout-all', cookies: laptop })
    expect(response.statusCode).toBe(200)
    expect((await refresh(phone.refresh)).statusCode).toBe(401)
    expect((await refresh(laptop.refresh)).statusCode).toBe(401)
  })
})
