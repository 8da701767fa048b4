import {
  authentication,
  buildService,
  loadJwtKeys,
  requireAuth,
  type ServiceInstance,
} from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ADMIN_EMAIL, cookiesOf, startAuth, type AuthHarness } from '../helpers.js'

const REFRESH_GRACE_MS = 300

/**
 * Another service (tickets, say) holding only auth's public key, following bans and sign-outs on the bus.
 * "Within 2 s" is the promise: each check polls until refused and fails if that takes longer.
 */
describe('revocations reach other services', () => {
  let auth: AuthHarness
  const others: ServiceInstance[] = []
  let admin: Record<string, string>

  async function startOtherService() {
    const keys = await loadJwtKeys({ publicKeys: JSON.stringify([auth.publicJwk]) })
    const service = buildService({ name: 'tickets', logger: false })
    await service.register(authentication, { keys, bus: await auth.buses.connect('tickets') })
    service.get('/api/tickets/mine', { preHandler: requireAuth }, async (request) => ({
      userId: request.currentUser!.id,
    }))
    await service.ready()
    await vi.waitFor(async () => expect((await service.inject({ url: '/readyz' })).statusCode).toBe(200))
    others.push(service)
    return service
  }

  beforeAll(async () => {
    auth = await startAuth({ REFRESH_REUSE_GRACE_SECONDS: String(REFRESH_GRACE_MS / 1000) })
    ;({ cookies: admin } = await auth.signUp(ADMIN_EMAIL))
  })
  afterAll(async () => {
    await Promise.all(others.map((service) => service.close()))
    await auth.close()
  })

  const status = async (service: ServiceInstance, session: string) =>
    (await service.inject({ url: '/api/tickets/mine', cookies: { session } })).statusCode

  async function refusedWithin(service: ServiceInstance, session: string, ms: number) {
    const started = Date.now()
    await vi.waitFor(async () => expect(await status(service, session)).toBe(401), {
      timeout: ms,
      interval: 50,
    })
    return Date.now() - started
  }

  it('a signed-out session’s access cookie, replayed elsewhere, is refused within 2 s', async () => {
    const tickets = await startOtherService()
    const { cookies } = await auth.signUp(auth.email())
    expect(await status(tickets, cookies.session!)).toBe(200)
    await auth.app.inject({ method: 'POST', url: '/api/users/signout', cookies })
    expect(await refusedWithin(tickets, cookies.session!, 2_000)).toBeLessThan(2_000)
  })

  it('a banned user’s still-valid token is refused within 2 s, also by an instance started after the ban', async () => {
    const tickets = await startOtherService()
    const { id, cookies } = await auth.signUp(auth.email())
    const other = await auth.signUp(auth.email())
    expect(await status(tickets, cookies.session!)).toBe(200)

    const banned = await auth.app.inject({ method: 'POST', url: `/api/users/${id}/ban`, cookies: admin })
    expect(banned.json()).toEqual({})
    expect(await refusedWithin(tickets, cookies.session!, 2_000)).toBeLessThan(2_000)
    expect(await status(tickets, other.cookies.session!)).toBe(200)

    const startedAfterBan = await startOtherService()
    expect(await status(startedAfterBan, cookies.session!)).toBe(401)
    expect(await status(startedAfterBan, other.cookies.session!)).toBe(200)
  })

  it('reusing a rotated refresh token after the grace kills the family’s access tokens everywhere', async () => {
    const tickets = await startOtherService()
    const { cookies: first } = await auth.signUp(auth.email())
    const rotated = cookiesOf(
      await auth.app.inject({
        method: 'POST',
        url: '/api/users/refresh',
        cookies: { refresh: first.refresh! },
      }),
    )
    expect(await status(tickets, rotated.session!)).toBe(200)

    await new Promise((resolve) => setTimeout(resolve, REFRESH_GRACE_MS + 100))
    await auth.app.inject({ method: 'POST', url: '/api/users/refresh', cookies: { refresh: first.refresh! } })
    await refusedWithin(tickets, rotated.session!, 2_000)
    await refusedWithin(tickets, first.session!, 2_000)
  })

  it('signing out everywhere refuses every session’s token', async () => {
    const tickets = await startOtherService()
    const email = auth.email()
    const { cookies: laptop } = await auth.signUp(email)
    const phone = cookiesOf(await auth.signIn(email))
    await auth.app.inject({ method: 'POST', url: '/api/users/signout-all', cookies: laptop })
    await refusedWithin(tickets, laptop.session!, 2_000)
    await refusedWithin(tickets, phone.session!, 2_000)
  })
})
