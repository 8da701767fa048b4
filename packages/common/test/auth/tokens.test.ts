import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { KeyObject, randomUUID, sign, type webcrypto } from 'node:crypto'
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

/**
 * Our verifier against jose's, on genuine tokens and on forged, mangled and mis-claimed ones: it must never
 * accept what jose refuses, and must accept every token auth signs.
 */
describe('the access token verifier, beside jose', () => {
  const ISSUER = 'ticketing-auth'
  const AUDIENCE = 'ticketing'
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

  async function joseAccepts(token: string, keys: Awaited<ReturnType<typeof keyPair>>) {
    try {
      await jwtVerify(token, createLocalJWKSet({ keys: keys.publicKeys }), {
        algorithms: ['EdDSA'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'sid', 'iat', 'exp'],
      })
      return true
    } catch {
      return false
    }
  }
  async function oursAccepts(token: string, keys: Awaited<ReturnType<typeof keyPair>>) {
    try {
      await new AccessTokenVerifier(keys).verify(token)
      return true
    } catch {
      return false
    }
  }

  /** The claims auth's tokens carry, issued now. */
  const ourClaims = () => {
    const now = Math.floor(Date.now() / 1000)
    return {
      sub: randomUUID(),
      email: 'ada@example.com',
      role: 'user',
      sid: randomUUID(),
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      exp: now + 900,
    }
  }

  /** Signs any header and payload with the key given, as a forger holding it (or a buggy signer) could. */
  function signed(keys: Awaited<ReturnType<typeof keyPair>>, header: object, payload: object) {
    const key = keys.signing!.privateKey
    const privateKey = key instanceof KeyObject ? key : KeyObject.from(key as webcrypto.CryptoKey)
    const input = `${encode(header)}.${encode(payload)}`
    return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`
  }

  it('accepts what jose accepts and refuses what jose refuses, over mangled tokens', async () => {
    const keys = await keyPair()
    const otherKeys = await keyPair()
    const claims = ourClaims()
    const now = claims.iat
    const kid = keys.signing!.kid
    const genuine = await new AccessTokenSigner(keys).sign({
      userId: claims.sub,
      email: claims.email,
      role: 'user',
      sessionId: claims.sid,
    })
    const [header, payload, signature] = genuine.split('.') as [string, string, string]
    const candidates: string[] = [
      genuine,
      await new AccessTokenSigner(otherKeys).sign({
        userId: claims.sub,
        email: claims.email,
        role: 'user',
        sessionId: claims.sid,
      }),
      `${encode({ alg: 'none', kid })}.${payload}.`,
      `${encode({ alg: 'none', kid })}.${payload}.${signature}`,
      `${encode({ alg: 'HS256', kid })}.${payload}.${signature}`,
      `${encode({ alg: 'EdDSA', kid: 'someone-else' })}.${payload}.${signature}`,
      `${encode({ alg: 'EdDSA' })}.${payload}.${signature}`,
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.`,
      `${header}.${payload}.${signature}==`,
      `${header}.${payload}.${signature.slice(0, -2)}`,
      `${header}..${signature}`,
      `${payload}.${header}.${signature}`,
      ` ${genuine}`,
      genuine.toUpperCase(),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, exp: now - 1 }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, exp: now }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, iss: 'someone-else' }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, aud: 'elsewhere' }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, aud: ['elsewhere'] }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, nbf: now + 3600 }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, sub: undefined }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, sid: undefined }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, role: 'owner' }),
      signed(keys, { alg: 'EdDSA', kid, typ: 'JWT' }, { ...claims, exp: '9999999999' }),
      signed(keys, { alg: 'EdDSA', kid, crit: ['exp'], exp: 1 }, claims),
      signed(keys, { alg: 'EdDSA', kid, b64: false, crit: ['b64'] }, claims),
      signed(otherKeys, { alg: 'EdDSA', kid }, claims),
    ]
    // Every single character of the genuine token changed, one at a time.
    for (let at = 0; at < genuine.length; at++) {
      const replacement = genuine[at] === 'A' ? 'B' : 'A'
      candidates.push(`${genuine.slice(0, at)}${replacement}${genuine.slice(at + 1)}`)
    }
    let accepted = 0
    for (const token of candidates) {
      const ours = await oursAccepts(token, keys)
      if (ours) {
        accepted++
        expect({ token, jose: await joseAccepts(token, keys) }).toEqual({ token, jose: true })
      }
    }
    expect(await oursAccepts(genuine, keys)).toBe(true)
    // The genuine token, and those whose last character's unused bits changed (base64url's slack, which jose
    // accepts too): nothing else.
    expect(accepted).toBeLessThanOrEqual(3)
  })

  it('accepts every token auth signs, and tokens jose signs with our header and claims', async () => {
    const keys = await keyPair()
    const signer = new AccessTokenSigner(keys)
    for (let n = 0; n < 200; n++) {
      const token = await signer.sign({
        userId: randomUUID(),
        email: `member${n}@example.com`,
        role: n % 7 === 0 ? 'admin' : 'user',
        sessionId: randomUUID(),
      })
      expect(await oursAccepts(token, keys)).toBe(true)
    }
    const token = signed(keys, { alg: 'EdDSA', kid: keys.signing!.kid, typ: 'JWT' }, ourClaims())
    expect(await oursAccepts(token, keys)).toBe(true)
  })
})
