import { KeyObject, sign, type webcrypto } from 'node:crypto'
import sodium from 'sodium-native'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import type { JwtKeys } from './keys.js'

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60
const ISSUER = 'ticketing-auth'
const AUDIENCE = 'ticketing'
const VERIFIED_CACHE_SIZE = 10_000

const Header = Type.Object(
  { alg: Type.Literal('EdDSA'), kid: Type.String(), typ: Type.Optional(Type.Literal('JWT')) },
  // Nothing else: a `crit` or `b64` we would have to understand is refused, not ignored.
  { additionalProperties: false },
)
const headerValidator = Compile(Header)

const Claims = Type.Object({
  iss: Type.Literal(ISSUER),
  aud: Type.Literal(AUDIENCE),
  sub: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  sid: Type.String({ format: 'uuid' }),
  iat: Type.Integer(),
  exp: Type.Integer(),
  nbf: Type.Optional(Type.Integer()),
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

/** A compact JWS's three parts: base64url, no padding, nothing else. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/**
 * Verifies access tokens locally with public keys alone: EdDSA only (so `alg: none` and HMAC tricks fail),
 * a known `kid`, our issuer and audience, not expired, claims of the right shape. Throws on any failure.
 *
 * Verified synchronously with libsodium (sodium-native, about 55 µs here; node:crypto's OpenSSL took 110, and
 * jose's WebCrypto queues every verification on libuv's threadpool): at an on-sale, a thousand buyers each
 * bring a token the service has not seen, and verifying them was a quarter of orders' work (decision 25). It
 * accepts only what jose would accept (a test compares the two on genuine, forged and mangled tokens), and is
 * stricter where our tokens allow it: the header holds `alg`, `kid` and `typ` and nothing else, and `aud` is
 * one string.
 */
export class AccessTokenVerifier {
  /** Each Ed25519 public key by `kid`, as libsodium takes it: the JWK's 32 raw bytes (`x`). */
  readonly #keys: ReadonlyMap<string, Buffer>
  /**
   * Tokens already verified, until they expire: a signed-in user sends the same token with every request,
   * and an Ed25519 verification costs more than the rest of a small request. Revocation is checked apart,
   * on every request.
   */
  readonly #verified = new Map<string, { user: CurrentUser; expiresAtMs: number }>()

  constructor(keys: JwtKeys) {
    this.#keys = new Map(
      keys.publicKeys
        .filter((jwk) => jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string')
        .map((jwk) => [jwk.kid!, Buffer.from(jwk.x!, 'base64url')] as const)
        .filter(([, key]) => key.length === sodium.crypto_sign_PUBLICKEYBYTES),
    )
  }

  async verify(token: string): Promise<CurrentUser> {
    const cached = this.#verified.get(token)
    if (cached && cached.expiresAtMs > Date.now()) return cached.user
    const user = this.#verifySignature(token)
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value!)
    this.#verified.set(token, { user, expiresAtMs: user.expiresAt * 1000 })
    return user
  }

  #verifySignature(token: string): CurrentUser {
    if (!COMPACT_JWS.test(token)) throw new Error('access token is not a compact JWS')
    const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string]
    const header = parseJson(encodedHeader)
    if (!headerValidator.Check(header)) throw new Error('access token header is not ours')
    const key = this.#keys.get(header.kid)
    if (!key) throw new Error('access token signed with an unknown key')
    const signature = Buffer.from(encodedSignature, 'base64url')
    if (signature.length !== sodium.crypto_sign_BYTES) throw new Error('access token signature is malformed')
    const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`)
    if (!sodium.crypto_sign_verify_detached(signature, signingInput, key)) {
      throw new Error('access token signature is invalid')
    }
    const claims = parseJson(encodedPayload)
    if (!claimsValidator.Check(claims)) throw new Error('access token claims have the wrong shape')
    const now = Math.floor(Date.now() / 1000)
    if (claims.exp <= now) throw new Error('access token has expired')
    if (claims.nbf !== undefined && claims.nbf > now) throw new Error('access token is not valid yet')
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

function parseJson(encoded: string): unknown {
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
  } catch {
    throw new Error('access token part is not base64url JSON')
  }
}
