import { randomUUID } from 'node:crypto'
import { infrastructure, testNamespace } from '@ticketing/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  AccessTokenSigner,
  authentication,
  buildService,
  connectBus,
  ensureTopology,
  generateJwtKeyPair,
  loadJwtKeys,
  removeTopology,
  requireAuth,
  type Bus,
  type ServiceInstance,
} from '../../src/index.js'

/**
 * A service (re)started while its revocation list cannot be rebuilt yet (here: auth's stream does not exist
 * until the test makes it) must neither report ready nor judge a token against a list that may lack a
 * sign-out: a request with a token waits, then gets 503.
 */
describe('requests wait for the replayed revocation list', () => {
  let bus: Bus
  let service: ServiceInstance
  let token: string

  beforeAll(async () => {
    bus = await connectBus({ url: infrastructure.natsUrl, namespace: testNamespace(), service: 'tickets' })
    const pair = await generateJwtKeyPair()
    const signer = new AccessTokenSigner(await loadJwtKeys({ privateKey: JSON.stringify(pair.privateJwk) }))
    token = await signer.sign({
      userId: randomUUID(),
      email: 'a@example.com',
      role: 'user',
      sessionId: randomUUID(),
    })
    service = buildService({ name: 'tickets', logger: false })
    await service.register(authentication, {
      keys: await loadJwtKeys({ publicKeys: JSON.stringify([pair.publicJwk]) }),
      bus,
      replayWaitMs: 200,
    })
    service.get('/whoami', { preHandler: requireAuth }, async (request) => ({ id: request.currentUser!.id }))
    await service.ready()
  })
  afterAll(async () => {
    await service.close()
    await removeTopology(bus).catch(() => undefined)
    await bus.close()
  })

  it('answers 503 to a request with a token and is not ready until the replay is done, then serves', async () => {
    const early = await service.inject({ url: '/whoami', cookies: { session: token } })
    expect(early.statusCode).toBe(503)
    expect(early.json()).toEqual({ errors: [{ message: 'The service is not ready' }] })
    expect(early.headers['retry-after']).toBe('1')
    expect((await service.inject({ url: '/readyz' })).statusCode).toBe(503)
    // A request without a token has nothing to be refused for: it is answered at once.
    expect((await service.inject({ url: '/whoami' })).statusCode).toBe(401)

    await ensureTopology(bus)
    await vi.waitFor(async () => expect((await service.inject({ url: '/readyz' })).statusCode).toBe(200), {
      timeout: 15_000,
      interval: 100,
    })
    expect((await service.inject({ url: '/whoami', cookies: { session: token } })).statusCode).toBe(200)
  })
})
