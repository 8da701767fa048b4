import { randomUUID } from 'node:crypto'
import {
  afterCommit,
  inTransaction,
  NotFoundError,
  pgErrorCode,
  writeEvent,
  type Page,
  type Role,
} from '@ticketing/common'
import type { AuthContext } from '../context.js'
import { issue, openSession, revokeAndAnnounce, type IssuedSession } from '../sessions/session.service.js'
import { hashPassword } from './passwords.js'
import { CannotBanSelfError, EmailInUseError } from './user.errors.js'
import { findUserById, insertUser, listUsers, setBan } from './user.repository.js'
import { checkSignup, type Credentials } from './user.schemas.js'
import type { UserRow } from './user.table.js'

function roleFor(ctx: AuthContext, email: string): Role {
  const admins = ctx.config.ADMIN_EMAILS.split(',').map((admin) => admin.trim().toLowerCase())
  return admins.includes(email) ? 'admin' : 'user'
}

/** Creates the account and signs it in. The unique index, not a prior look-up, decides whether the email is free. */
export async function signUp(ctx: AuthContext, credentials: Credentials): Promise<IssuedSession> {
  const { email, password } = checkSignup(credentials)
  const passwordHash = await hashPassword(password)
  const role = roleFor(ctx, email)
  try {
    const { user, session } = await inTransaction(ctx.db, async (trx) => {
      const user = await insertUser(trx, { id: randomUUID(), email, password_hash: passwordHash, role })
      await writeEvent(trx, 'user.created', { id: user.id, email, role })
      return { user, session: await openSession(trx, user.id) }
    })
    return await issue(ctx, user, session)
  } catch (error) {
    if (pgErrorCode(error) === '23505') throw new EmailInUseError({ field: 'email' })
    throw error
  }
}

/** Bans a user: their sessions end and every service refuses their tokens once user.banned arrives. */
export async function banUser(
  ctx: AuthContext,
  adminId: string,
  userId: string,
  reason?: string,
): Promise<void> {
  if (adminId === userId) throw new CannotBanSelfError()
  await inTransaction(ctx.db, async (trx) => {
    const user = await findUserById(trx, userId, true)
    if (!user) throw new NotFoundError()
    if (user.banned_at) return
    const at = new Date()
    await setBan(trx, userId, { at, reason: reason?.trim() || null })
    await revokeAndAnnounce(ctx, trx, { userId })
    const banned = { userId, at: at.toISOString() }
    await writeEvent(trx, 'user.banned', banned)
    afterCommit(trx, () => ctx.revocations.ban(banned))
  })
}

export async function unbanUser(ctx: AuthContext, userId: string): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const user = await findUserById(trx, userId, true)
    if (!user) throw new NotFoundError()
    if (!user.banned_at) return
    await setBan(trx, userId, null)
    await writeEvent(trx, 'user.unbanned', { userId, at: new Date().toISOString() })
  })
}

export function listUsersPage(ctx: AuthContext, page: Page): Promise<UserRow[]> {
  return listUsers(ctx.db, page)
}
