import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, startAuth, type AuthHarness } from '../helpers.js'

describe('display names: sign-up and PUT /api/users/me', () => {
  let auth: AuthHarness
  beforeAll(async () => (auth = await startAuth()))
  afterAll(() => auth.close())

  const signup = (payload: object) => auth.app.inject({ method: 'POST', url: '/api/users/signup', payload })
  const rename = (payload: unknown, cookies?: Record<string, string>) =>
    auth.app.inject({ method: 'PUT', url: '/api/users/me', payload: payload as object, cookies })
  const outbox = async (type: string) =>
    (await auth.db.selectFrom('outbox').select('data').where('type', '=', type).execute()).map(
      (row) => row.data,
    )

  it('takes the name chosen at sign-up, its spaces tidied, and announces it', async () => {
    const email = auth.email()
    const response = await signup({ email, password: PASSWORD, displayName: '  Ada   Lovelace ' })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ email, displayName: 'Ada Lovelace' })
    expect(await outbox('user.created')).toContainEqual(
      expect.objectContaining({ id: response.json().id, displayName: 'Ada Lovelace', version: 0 }),
    )
    const signin = await auth.signIn(email)
    expect(signin.json()).toMatchObject({ displayName: 'Ada Lovelace' })
  })

  it.each([
    ['one character', 'A', 'Display name must be 2 to 40 characters'],
    ['41 characters', 'x'.repeat(41), 'Display name must be 2 to 40 characters'],
    ['an email address', 'ada@example.com', 'Display name must not be an email address'],
    ['only spaces', '    ', 'Display name must be 2 to 40 characters'],
    ['a NUL', 'Ada\u0000', 'Display name must not contain NUL characters or unpaired surrogates'],
  ])('refuses %s at sign-up and on rename, naming the field', async (_what, displayName, message) => {
    const refused = await signup({ email: auth.email(), password: PASSWORD, displayName })
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual({ errors: [{ field: 'displayName', message }] })
    const { cookies } = await auth.signUp(auth.email())
    const renamed = await rename({ displayName }, cookies)
    expect(renamed.statusCode).toBe(400)
    expect(renamed.json()).toEqual({ errors: [{ field: 'displayName', message }] })
  })

  it('renames the signed-in member one version up, announces user.updated, and shows it at once', async () => {
    const email = auth.email()
    const { id, cookies } = await auth.signUp(email)
    const response = await rename({ displayName: 'Grace Hopper' }, cookies)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ id, email, role: 'user', displayName: 'Grace Hopper' })
    expect(await outbox('user.updated')).toContainEqual({
      id,
      email,
      role: 'user',
      displayName: 'Grace Hopper',
      version: 1,
    })
    const current = await auth.app.inject({ url: '/api/users/currentuser', cookies })
    expect(current.json()).toEqual({ currentUser: { id, email, role: 'user', displayName: 'Grace Hopper' } })

    // The same name again changes nothing and announces nothing.
    const before = (await outbox('user.updated')).length
    expect((await rename({ displayName: 'Grace Hopper' }, cookies)).statusCode).toBe(200)
    expect(await outbox('user.updated')).toHaveLength(before)
  })

  it('is for a signed-in member: 401 otherwise, whatever the body', async () => {
    for (const payload of [{ displayName: 'Someone' }, {}, 'not json']) {
      const response = await rename(payload)
      expect(response.statusCode).toBe(401)
    }
  })
})
