import { createHash, randomBytes, randomUUID } from 'node:crypto'
import {
  afterCommit,
  AppError,
  inTransaction,
  rateLimitedError,
  writeEvent,
  type CurrentUser,
  type RateLimit,
  type Role,
} from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { AuthContext } from '../context.js'
import type { Database } from '../db/schema.js'
import { InvalidCredentialsError, UserBannedError } from '../users/user.errors.js'
import { findUserByEmail } from '../users/user.repository.js'
import { checkSignin, type Credentials } from '../users/user.schemas.js'
import { verifyPassword } from '../users/passwords.js'
import {
  findRefreshToken,
  findSessionByRefreshToken,
  insertRefreshToken,
  insertSession,
  markRotated,
  revokeSessions,
} from './session.repository.js'

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3_600_000

/** A signed-in user and the two tokens that go into their cookies. */
export interface IssuedSession {
  user: { id: string; email: string; displayName: string }
  accessToken: string
  refreshToken: string
}

class SessionExpiredError extends AppError {
  constructor() {
    super('SESSION_EXPIRED')
  }
}

const newRefreshToken = () => randomBytes(32).toString('base64url')

/** Starts a session (a refresh-token family) for a user: one statement, in the caller's transaction if any. */
export async function openSession(db: Kysely<Database>, userId: string) {
  const sessionId = randomUUID()
  const refreshToken = newRefreshToken()
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_MS)
  await insertSession(db, { id: sessionId, userId, expiresAt, refreshToken })
  return { sessionId, refreshToken }
}

export async function issue(
  ctx: AuthContext,
  user: { id: string; email: string; role: Role; display_name: string },
  session: { sessionId: string; refreshToken: string },
): Promise<IssuedSession> {
  const accessToken = await ctx.signer.sign({
    userId: user.id,
    email: user.email,
    role: user.role,
    sessionId: session.sessionId,
  })
  return {
    user: { id: user.id, email: user.email, displayName: user.display_name },
    accessToken,
    refreshToken: session.refreshToken,
  }
}

/**
 * Revokes sessions and announces each, so every service refuses their access tokens within seconds; this
 * instance of auth refuses them as soon as the transaction commits (sign-out is read-your-writes).
 */
async function revokeAndAnnounce(
  ctx: AuthContext,
  trx: Kysely<Database>,
  filter: { userId: string; sessionId?: string },
) {
  const revoked = await revokeSessions(trx, filter)
  const at = new Date().toISOString()
  for (const sessionId of revoked) {
    const data = { userId: filter.userId, sessionId, at }
    await writeEvent(trx, 'session.revoked', data)
    afterCommit(trx, () => ctx.revocations.revokeSession(data))
  }
}

const SIGNIN_THROTTLED = 'Too many failed sign-ins; try again later'

/**
 * Sign-ups and sign-ins share one budget per client address (the address the gateway or ingress saw: the
 * services believe X-Forwarded-For from those alone), counted in Redis for every instance at once.
 */
export function entryLimit(ctx: AuthContext): RateLimit {
  return { name: 'auth-entries', max: ctx.config.AUTH_RATE_LIMIT_PER_MINUTE, windowSeconds: 60 }
}

/** The sign-in failure budgets: per account from one address, and per address whatever the account. */
function signinLimits(ctx: AuthContext): { accountFromAddress: RateLimit; address: RateLimit } {
  const windowSeconds = ctx.config.SIGNIN_FAILURE_WINDOW_SECONDS
  return {
    accountFromAddress: {
      name: 'signin-failures-account',
      max: ctx.config.SIGNIN_FAILURE_LIMIT,
      windowSeconds,
    },
    address: { name: 'signin-failures-address', max: ctx.config.SIGNIN_ADDRESS_FAILURE_LIMIT, windowSeconds },
  }
}

/** Keys name the account by a digest: Redis never holds the addresses people sign in with. */
const accountKey = (email: string, address: string) =>
  `${createHash('sha256').update(email).digest('base64url').slice(0, 22)}:${address}`

/**
 * Signs in with throttling that slows a guesser without locking the owner out. Each attempt takes one from
 * the address's entry budget, then from both failure budgets, before the password is checked (one atomic step
 * in Redis, one round trip), so parallel guesses can never exceed them; a success gives its attempt back and
 * clears the account's count from that address. A stranger spending an account's budget spends it for their
 * own address only: the owner elsewhere signs in as usual. Unknown emails are counted the same way, so
 * probing for accounts is throttled alike.
 */
export async function signIn(
  ctx: AuthContext,
  credentials: Credentials,
  address: string,
): Promise<IssuedSession> {
  const { email, password } = checkSignin(credentials)
  const limits = signinLimits(ctx)
  const entry = { limit: entryLimit(ctx), subject: address }
  const forAccount = { limit: limits.accountFromAddress, subject: accountKey(email, address) }
  const forAddress = { limit: limits.address, subject: address }
  const spent = await ctx.limits.spend([entry, forAccount, forAddress])
  if (spent) throw rateLimitedError(spent.verdict, spent.budget === entry ? undefined : SIGNIN_THROTTLED)

  const user = await findUserByEmail(ctx.db, email)
  if (!(await verifyPassword(user?.password_hash, password)) || !user) throw new InvalidCredentialsError()
  await ctx.limits.giveBack({ forget: [forAccount], refund: [forAddress] })
  if (user.banned_at) throw new UserBannedError()
  const session = await openSession(ctx.db, user.id)
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
    // The token row stays locked until this commits: a second use of the token at the same moment waits
    // here, then finds it rotated a moment ago, within the grace.
    const found = await findRefreshToken(trx, refreshToken)
    if (!found) return 'unknown' as const
    const { token, session, user } = found
    if (token.rotatedMsAgo !== null && token.rotatedMsAgo > graceMs) {
      await revokeAndAnnounce(ctx, trx, { userId: user.id, sessionId: session.id })
      return 'reused' as const
    }
    if (session.revoked_at || session.expires_at.getTime() <= Date.now() || user.banned_at)
      return 'revoked' as const
    if (token.rotatedMsAgo === null) await markRotated(trx, refreshToken)
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
    if (target) await revokeAndAnnounce(ctx, trx, target)
  })
}

export async function signOutEverywhere(ctx: AuthContext, userId: string): Promise<void> {
  await inTransaction(ctx.db, (trx) => revokeAndAnnounce(ctx, trx, { userId }))
}

export { revokeAndAnnounce }
