import { decodeProtectedHeader, jwtVerify, createLocalJWKSet } from 'jose'
import { describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { AccessTokenVerifier } from '../../src/auth/tokens.js'
import { AccessTokenSigner, generateJwtKeyPair, loadJwtKeys } from '../../src/index.js'

/** A key pair as auth holds it (signing) and as the other services do (verifying). */
async function keyPair() {
  const { privateJwk } = await generateJwtKeyPair()
  return loadJwtKeys({ privateKey: JSON.stringify(privateJwk) })
}

describe('access tokens', () => {
  it('are compact EdDSA JWS that jose and our verifier accept, with the claims and header auth promises', async () => {
    const keys = await keyPair()
    const subject = {
      userId: randomUUID(),
      email: 'ada@example.com',
      role: 'admin' as const,
      sessionId: randomUUID(),
    }
    const token = await new AccessTokenSigner(keys).sign(subject)

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: keys.signing!.kid, typ: 'JWT' })
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: keys.publicKeys }), {
      algorithms: ['EdDSA'],
      issuer: 'ticketing-auth',
      audience: 'ticketing',
    })
    expect(payload.exp! - payload.iat!).toBe(15 * 60)
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5)

    const user = await new AccessTokenVerifier(keys).verify(token)
    expect(user).toMatchObject({
      id: subject.userId,
      email: subject.email,
      role: 'admin',
      sessionId: subject.sessionId,
    })
  })

  it('are refused with any byte of the signed part changed', async () => {
    const keys = await keyPair()
    const token = await new AccessTokenSigner(keys).sign({
      userId: randomUUID(),
      email: 'ada@example.com',
      role: 'user',
      sessionId: randomUUID(),
    })
    const [header, payload, signature] = token.split('.')
    const elevated = Buffer.from(
      Buffer.from(payload!, 'base64url').toString().replace('"role":"user"', '"role":"admin"'),
    ).toString('base64url')
    await expect(new AccessTokenVerifier(keys).verify(`${header}.${elevated}.${signature}`)).rejects.toThrow()
  })
})
