import { randomUUID } from 'node:crypto'
import { testBuses } from '@ticketing/testing'
import { importJWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  AccessTokenSigner,
  authentication,
  buildService,
  generateJwtKeyPair,
  loadJwtKeys,
  requireAuth,
  requireRole,
  type ServiceInstance,
} from '../../src/index.js'

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const decode = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>

/**
 * Another service, holding only auth's public key, with auth nowhere running: every token is judged locally.
 */
describe('authentication in a service that holds only the public key', () => {
  const buses = testBuses()
  let service: ServiceInstance
  let signer: AccessTokenSigner
  let privateJwk: Awaited<ReturnType<typeof generateJwtKeyPair>>['privateJwk']
  const subject = {
    userId: randomUUID(),
    email: 'buyer@example.com',
    role: 'user' as const,
    sessionId: randomUUID(),
  }

  beforeAll(async () => {
    const pair = await generateJwtKeyPair('key-1')
    privateJwk = pair.privateJwk
    signer = new AccessTokenSigner(await loadJwtKeys({ privateKey: JSON.stringify(pair.privateJwk) }))
    service = buildService({ name: 'tickets', logger: false })
    await service.register(authentication, {
      keys: await loadJwtKeys({ publicKeys: JSON.stringify([pair.publicJwk]) }),
      bus: await buses.connect('tickets'),
    })
    service.get('/whoami', { preHandler: requireAuth }, async (request) => request.currentUser)
    service.get('/admin-only', { preHandler: requireRole('admin') }, async () => ({ ok: true }))
    await service.ready()
  })
  afterAll(async () => {
    await service.close()
    await buses.cleanup()
  })

  const whoami = (token?: string) =>
    service.inject({ url: '/whoami', cookies: token ? { session: token } : {} })

  it('accepts a valid token and knows the user from it', async () => {
    const response = await whoami(await signer.sign(subject))
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      id: subject.userId,
      email: subject.email,
      role: 'user',
      sessionId: subject.sessionId,
    })
  })

  it('answers 401 without a token, and 403 for a role the user does not have', async () => {
    expect((await whoami()).statusCode).toBe(401)
    expect((await whoami()).json()).toEqual({ errors: [{ message: 'Not signed in' }] })
    const token = await signer.sign(subject)
    expect((await service.inject({ url: '/admin-only', cookies: { session: token } })).statusCode).toBe(403)
  })

  it('refuses a tampered token', async () => {
    const [header, payload, signature] = (await signer.sign(subject)).split('.') as [string, string, string]
    const promoted = base64url({ ...decode(payload), role: 'admin' })
    expect((await whoami(`${header}.${promoted}.${signature}`)).statusCode).toBe(401)
  })

  it('refuses an expired token', async () => {
    const key = await importJWK(privateJwk, 'EdDSA')
    const now = Math.floor(Date.now() / 1000)
    const expired = await new SignJWT({ email: subject.email, role: 'user', sid: subject.sessionId })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'key-1' })
      .setSubject(subject.userId)
      .setIssuer('ticketing-auth')
      .setAudience('ticketing')
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 100)
      .sign(key)
    expect((await whoami(expired)).statusCode).toBe(401)
  })

  it('refuses a token signed with another key, even under the same kid', async () => {
    const impostor = await generateJwtKeyPair('key-1')
    const forged = await new AccessTokenSigner(
      await loadJwtKeys({ privateKey: JSON.stringify(impostor.privateJwk) }),
    ).sign({
      ...subject,
      role: 'admin',
    })
    expect((await whoami(forged)).statusCode).toBe(401)
  })

  it('refuses alg: none and other algorithms', async () => {
    const claims = decode((await signer.sign(subject)).split('.')[1]!)
    expect(
      (await whoami(`${base64url({ alg: 'none', kid: 'key-1' })}.${base64url(claims)}.`)).statusCode,
    ).toBe(401)
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(new TextEncoder().encode(JSON.stringify(privateJwk.x)))
    expect((await whoami(hmac)).statusCode).toBe(401)
  })

  it('is ready once its revocation list has been replayed', async () => {
    await vi.waitFor(async () => expect((await service.inject({ url: '/readyz' })).statusCode).toBe(200))
  })
})
