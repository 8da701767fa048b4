import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, cookiesOf, startAuth, type AuthHarness } from '../helpers.js'

describe('admin routes', () => {
  let auth: AuthHarness
  let admin: Record<string, string>
  let adminId: string
  beforeAll(async () => {
    auth = await startAuth()
    ;({ id: adminId, cookies: admin } = await auth.signUp(ADMIN_EMAIL))
  })
  afterAll(() => auth.close())

  const ban = (id: string, cookies: Record<string, string>, payload: object = {}) =>
    auth.app.inject({ method: 'POST', url: `/api/users/${id}/ban`, cookies, payload })
  const unban = (id: string, cookies: Record<string, string>) =>
    auth.app.inject({ method: 'POST', url: `/api/users/${id}/unban`, cookies })

  it('are 401 signed out and 403 for a user who is not an admin', async () => {
    const { id, cookies } = await auth.signUp(auth.email())
    for (const [cookie, status] of [
      [{}, 401],
      [cookies, 403],
    ] as const) {
      expect((await auth.app.inject({ url: '/api/users', cookies: cookie })).statusCode).toBe(status)
      expect((await ban(id, cookie)).statusCode).toBe(status)
      expect((await unban(id, cookie)).statusCode).toBe(status)
    }
    expect((await auth.app.inject({ url: '/api/users', cookies })).json()).toEqual({
      errors: [{ message: 'Forbidden' }],
    })
  })

  it('lists users newest first, a page at a time, with the next page in a Link header', async () => {
    const emails = [auth.email('list'), auth.email('list'), auth.email('list')]
    for (const email of emails) await auth.signUp(email)
    const first = await auth.app.inject({ url: '/api/users?limit=2', cookies: admin })
    expect(first.statusCode).toBe(200)
    expect(first.json().map((user: { email: string }) => user.email)).toEqual([emails[2], emails[1]])
    expect(first.json()[0]).toEqual({
      id: expect.any(String),
      email: emails[2],
      role: 'user',
      createdAt: expect.any(String),
      bannedAt: null,
      banReason: null,
    })
    const next = /^<([^>]+)>; rel="next"$/.exec(String(first.headers.link))![1]!
    const second = await auth.app.inject({ url: next, cookies: admin })
    expect(second.json()[0].email).toBe(emails[0])
    expect((await auth.app.inject({ url: '/api/users?cursor=garbage', cookies: admin })).json()).toEqual({
      errors: [
        { field: 'cursor', message: 'This page link is not valid any more: start again from the first page' },
      ],
    })
  })

  it('bans: the user cannot sign in (403) or refresh (401); unbanning lets them back', async () => {
    const email = auth.email('banned')
    const { id, cookies } = await auth.signUp(email)
    const response = await ban(id, admin, { reason: 'scalping' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({})

    const signIn = await auth.signIn(email)
    expect(signIn.statusCode).toBe(403)
    expect(signIn.json()).toEqual({ errors: [{ message: 'This account has been banned' }] })
    expect(
      (
        await auth.app.inject({
          method: 'POST',
          url: '/api/users/refresh',
          cookies: { refresh: cookies.refresh! },
        })
      ).statusCode,
    ).toBe(401)
    const listed = (await auth.app.inject({ url: '/api/users?limit=200', cookies: admin })).json()
    expect(listed.find((user: { id: string }) => user.id === id)).toMatchObject({ banReason: 'scalping' })

    expect((await unban(id, admin)).statusCode).toBe(200)
    expect(cookiesOf(await auth.signIn(email)).session).toBeDefined()
  })

  it('announces bans and unbans, once each, through the outbox', async () => {
    const { id } = await auth.signUp(auth.email())
    await ban(id, admin)
    await ban(id, admin) // already banned: nothing new
    await unban(id, admin)
    const events = await auth.db
      .selectFrom('outbox')
      .select(['type', 'data'])
      .where('type', 'in', ['user.banned', 'user.unbanned'])
      .orderBy('seq')
      .execute()
    expect(
      events.filter((event) => (event.data as { userId: string }).userId === id).map((event) => event.type),
    ).toEqual(['user.banned', 'user.unbanned'])
  })

  it('refuses to ban yourself (400), and answers 404 for an unknown or malformed id', async () => {
    expect((await ban(adminId, admin)).json()).toEqual({ errors: [{ message: 'You cannot ban yourself' }] })
    expect((await ban(randomUUID(), admin)).statusCode).toBe(404)
    expect((await ban('not-a-uuid', admin)).statusCode).toBe(404)
    expect((await unban(randomUUID(), admin)).statusCode).toBe(404)
  })
})
