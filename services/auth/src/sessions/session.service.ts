import { randomBytes, randomUUID } from 'node:crypto'
import { AppError, inTransaction, writeEvent, type CurrentUser, type Role } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { AuthContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { InvalidCredentialsError, UserBannedError } from '../users/user.errors.js'
import { findUserByEmail } from '../users/user.repository.js'
import { normalizeEmail, type Credentials } from '../users/user.schemas.js'
import { verifyPassword } from '../users/passwords.js'
import {
  clearFailures,
  countRecentFailures,
  findRefreshToken,
  findSessionByRefreshToken,
  insertRefreshToken,
  insertSession,
  markRotated,
  recordFailure,
  revokeSessions,
} from './session.repository.js'

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3_600_000

/** A signed-in user and the two tokens that go into their cookies. */
export interface IssuedSession {
  user: { id: string; email: string }
  accessToken: string
  refreshToken: string
}

class SessionExpiredError extends AppError {
  constructor() {
    super('SESSION_EXPIRED')
  }
}

const newRefreshToken = () => randomBytes(32).toString('base64url')

/** Starts a session (a refresh-token family) for a user, in the caller's transaction. */
export async function openSession(trx: Kysely<Database>, userId: string) {
  const sessionId = randomUUID()
  const refreshToken = newRefreshToken()
  await insertSession(trx, { id: sessionId, userId, expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS) })
  await insertRefreshToken(trx, sessionId, refreshToken)
  return { sessionId, refreshToken }
}

export async function issue(
  ctx: AuthContext,
  user: { id: string; email: string; role: Role },
  session: { sessionId: string; refreshToken: string },
): Promise<IssuedSession> {
  const accessToken = await ctx.signer.sign({
    userId: user.id,
    email: user.email,
    role: user.role,
    sessionId: session.sessionId,
  })
  return { user: { id: user.id, email: user.email }, accessToken, refreshToken: session.refreshToken }
}

/** Revokes sessions and announces each, so every service refuses their access tokens within seconds. */
async function revokeAndAnnounce(trx: Kysely<Database>, filter: { userId: string; sessionId?: string }) {
  const revoked = await revokeSessions(trx, filter)
  const at = new Date().toISOString()
  for (const sessionId of revoked) {
    await writeEvent(trx, 'session.revoked', { userId: filter.userId, sessionId, at })
  }
}

/**
 * Too many failures for one account answer 429 even for the right password, until the oldest failure in the
 * window ages out. Unknown emails are counted too, so probing them is limited the same way.
 */
async function checkFailureLimit(ctx: AuthContext, email: string) {
  const windowMs = ctx.config.SIGNIN_FAILURE_WINDOW_SECONDS * 1000
  const { count, oldest } = await countRecentFailures(ctx.db, email, new Date(Date.now() - windowMs))
  if (count < ctx.config.SIGNIN_FAILURE_LIMIT) return
  const retryAfter = Math.max(
    1,
    Math.ceil(((oldest?.getTime() ?? Date.now()) + windowMs - Date.now()) / 1000),
  )
  throw new AppError('RATE_LIMITED', {
    message: 'Too many failed sign-ins for this account; try again later',
    headers: { 'retry-after': String(retryAfter) },
  })
}

export async function signIn(ctx: AuthContext, credentials: Credentials): Promise<IssuedSession> {
  const email = normalizeEmail(credentials.email)
  await checkFailureLimit(ctx, email)
  const user = await findUserByEmail(ctx.db, email)
  if (!(await verifyPassword(user?.password_hash, credentials.password)) || !user) {
    await recordFailure(ctx.db, email)
    throw new InvalidCredentialsError()
  }
  if (user.banned_at) throw new UserBannedError()
  const session = await inTransaction(ctx.db, async (trx) => {
    await clearFailures(trx, email)
    return openSession(trx, user.id)
  })
  return issue(ctx, user, session)
}

/**
 * Exchanges a refresh token for a new pair. A token rotated within the last REFRESH_REUSE_GRACE_SECONDS is
 * answered again with a pair of its own (two tabs that renewed at once both stay signed in); one rotated
 * before that is a stolen copy or a replay, and the whole session is revoked, for the thief and the owner alike.
 */
export async function refresh(ctx: AuthContext, refreshToken: string | undefined): Promise<IssuedSession> {
  if (!refreshToken) throw new SessionExpiredError()
  const graceMs = ctx.config.REFRESH_REUSE_GRACE_SECONDS * 1000
  const outcome = await inTransaction(ctx.db, async (trx) => {
    const found = await findRefreshToken(trx, refreshToken)
    if (!found) return 'unknown' as const
    const { token, session, user } = found
    if (token.rotated_at && Date.now() - token.rotated_at.getTime() > graceMs) {
      await revokeAndAnnounce(trx, { userId: user.id, sessionId: session.id })
      return 'reused' as const
    }
    if (session.revoked_at || session.expires_at.getTime() <= Date.now() || user.banned_at)
      return 'revoked' as const
    if (!token.rotated_at) await markRotated(trx, refreshToken)
    const next = newRefreshToken()
    await insertRefreshToken(trx, session.id, next)
    return { user, session: { sessionId: session.id, refreshToken: next } }
  })
  if (typeof outcome === 'string') throw new SessionExpiredError()
  return issue(ctx, outcome.user, outcome.session)
}

/** Ends the session of this browser: the one its refresh token belongs to, or else its access token's. */
export async function signOut(
  ctx: AuthContext,
  from: { refreshToken?: string; currentUser: CurrentUser | null },
): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const session = from.refreshToken ? await findSessionByRefreshToken(trx, from.refreshToken) : undefined
    const target = session
      ? { userId: session.user_id, sessionId: session.id }
      : from.currentUser && { userId: from.currentUser.id, sessionId: from.currentUser.sessionId }
    if (target) await revokeAndAnnounce(trx, target)
  })
}

export async function signOutEverywhere(ctx: AuthContext, userId: string): Promise<void> {
  await inTransaction(ctx.db, (trx) => revokeAndAnnounce(trx, { userId }))
}

export { revokeAndAnnounce }
