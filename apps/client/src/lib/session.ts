/**
 * The cookies auth sets (services/auth/src/sessions/cookies.ts, packages/common/src/auth): the access token in
 * `session` (Path=/, 15 minutes) and the refresh token in `refresh` (Path=/api/users, 30 days).
 */
export const SESSION_COOKIE = 'session'
export const REFRESH_COOKIE = 'refresh'
/**
 * Ours, not auth's: "this browser had a session". The refresh cookie is sent only to /api/users, so a page
 * request cannot tell a visitor from a user whose access token ran out; this hint can. It holds no secret.
 */
export const SIGNED_IN_HINT_COOKIE = 'signed_in'
export const HINT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60

export interface TokenClaims {
  sub: string
  email: string
  role: string
  exp: number
}

/** The access token's claims, read without verifying it: for display and expiry checks, never for trust. */
export function readClaims(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1]
  if (!payload) return undefined
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/')
    const claims = JSON.parse(atob(base64)) as Partial<TokenClaims>
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined
    return { sub: claims.sub, email: claims.email ?? '', role: claims.role ?? 'user', exp: claims.exp }
  } catch {
    return undefined
  }
}

/** True when the token is unreadable or expires within `leewaySeconds`. */
export function isExpired(token: string, leewaySeconds = 10, now = Date.now()): boolean {
  const claims = readClaims(token)
  return !claims || claims.exp * 1000 <= now + leewaySeconds * 1000
}

/** A same-site path to return to after signing in, never another origin. */
export function safeNextPath(next: string | string[] | null | undefined, fallback = '/'): string {
  const value = Array.isArray(next) ? next[0] : next
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  return value
}
