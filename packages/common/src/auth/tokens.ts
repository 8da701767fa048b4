import { KeyObject, sign, type webcrypto } from 'node:crypto'
import { createLocalJWKSet, jwtVerify } from 'jose'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { JwtKeys } from './keys.js'

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60
const ISSUER = 'ticketing-auth'
const AUDIENCE = 'ticketing'
const VERIFIED_CACHE_SIZE = 10_000

const Claims = Type.Object({
  sub: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  sid: Type.String({ format: 'uuid' }),
  iat: Type.Integer(),
  exp: Type.Integer(),
})
const claimsValidator = Compile(Claims)

export type AccessTokenClaims = Static<typeof Claims>
export type Role = AccessTokenClaims['role']

/** The signed-in user as a request sees them, from their access token. */
export interface CurrentUser {
  id: string
  email: string
  role: Role
  sessionId: string
  /** When the token was issued, in seconds: revocations apply to tokens issued before them. */
  issuedAt: number
  /** When it stops being valid, in seconds. */
  expiresAt: number
}

export interface TokenSubject {
  userId: string
  email: string
  role: Role
  sessionId: string
}

/**
 * Signs access tokens: auth only, with the private key. A compact JWS as jose writes one, signed with
 * node:crypto's synchronous Ed25519 (about 30 µs) rather than jose's WebCrypto, whose signing waits on libuv's
 * threadpool, behind the argon2id verifications of every sign-in in progress.
 */
export class AccessTokenSigner {
  readonly #privateKey: KeyObject
  readonly #header: string

  constructor(keys: JwtKeys) {
    if (!keys.signing) throw new Error('signing access tokens needs JWT_PRIVATE_KEY')
    const { privateKey, kid } = keys.signing
    this.#privateKey =
      privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey as webcrypto.CryptoKey)
    this.#header = base64url(JSON.stringify({ alg: 'EdDSA', kid, typ: 'JWT' }))
  }

  async sign(subject: TokenSubject): Promise<string> {
    const issuedAt = Math.floor(Date.now() / 1000)
    const claims = {
      email: subject.email,
      role: subject.role,
      sid: subject.sessionId,
      sub: subject.userId,
      iss: ISSUER,
      aud: AUDIENCE,
      iat: issuedAt,
      exp: issuedAt + ACCESS_TOKEN_TTL_SECONDS,
    }
    const signingInput = `${this.#header}.${base64url(JSON.stringify(claims))}`
    const signature = sign(null, Buffer.from(signingInput), this.#privateKey)
    return `${signingInput}.${signature.toString('base64url')}`
  }
}

const base64url = (text: string) => Buffer.from(text).toString('base64url')

/**
 * Verifies access tokens locally with public keys alone: EdDSA only (so `alg: none` and HMAC tricks fail),
 * a known `kid`, our issuer and audience, not expired, claims of the right shape. Throws on any failure.
 */
export class AccessTokenVerifier {
  readonly #keys: ReturnType<typeof createLocalJWKSet>
  /**
   * Tokens already verified, until they expire: a signed-in user sends the same token with every request,
   * and an Ed25519 verification costs more than the rest of a small request. Revocation is checked apart,
   * on every request.
   */
  readonly #verified = new Map<string, { user: CurrentUser; expiresAtMs: number }>()

  constructor(keys: JwtKeys) {
    this.#keys = createLocalJWKSet({ keys: keys.publicKeys })
  }

  async verify(token: string): Promise<CurrentUser> {
    const cached = this.#verified.get(token)
    if (cached && cached.expiresAtMs > Date.now()) return cached.user
    const user = await this.#verifySignature(token)
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value!)
    this.#verified.set(token, { user, expiresAtMs: user.expiresAt * 1000 })
    return user
  }

  async #verifySignature(token: string): Promise<CurrentUser> {
    const { payload } = await jwtVerify(token, this.#keys, {
      algorithms: ['EdDSA'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['sub', 'sid', 'iat', 'exp'],
    })
    if (!claimsValidator.Check(payload)) throw new Error('access token claims have the wrong shape')
    const claims = payload
    return {
      id: claims.sub,
      email: claims.email,
      role: claims.role,
      sessionId: claims.sid,
      issuedAt: claims.iat,
      expiresAt: claims.exp,
    }
  }
}
