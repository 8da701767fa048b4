import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionJanitor } from '../../src/sessions/session-janitor.js'
import { startAuth, type AuthHarness } from '../helpers.js'

describe('the session janitor', () => {
  let auth: AuthHarness
  beforeAll(async () => (auth = await startAuth()))
  afterAll(() => auth.close())

  it('deletes long-ended sessions, and keeps what still matters', async () => {
    const email = auth.email()
    const { id, cookies } = await auth.signUp(email)
    await auth.signIn(email, 'wrong password')
    await auth.app.inject({ method: 'POST', url: '/api/users/signout', cookies })
    const live = await auth.signIn(email)
    expect(live.statusCode).toBe(200)

    const janitor = new SessionJanitor(auth.db)
    expect(await janitor.purge()).toEqual({ sessions: 0 })

    const twoDaysLater = new Date(Date.now() + 2 * 24 * 3_600_000)
    expect(await janitor.purge(twoDaysLater)).toEqual({ sessions: 1 })
    const sessions = await auth.db
      .selectFrom('sessions')
      .select('revoked_at')
      .where('user_id', '=', id)
      .execute()
    expect(sessions).toEqual([{ revoked_at: null }])
  })
})
