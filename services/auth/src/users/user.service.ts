import { randomUUID } from 'node:crypto'
import {
  afterCommit,
  defaultDisplayName,
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
import { findUserById, insertUser, listUsers, rename, setBan } from './user.repository.js'
import { checkProfile, checkSignup, type SignupBody } from './user.schemas.js'
import type { UserRow } from './user.table.js'

function roleFor(ctx: AuthContext, email: string): Role {
  const admins = ctx.config.ADMIN_EMAILS.split(',').map((admin) => admin.trim().toLowerCase())
  return admins.includes(email) ? 'admin' : 'user'
}

/** Creates the account and signs it in. The unique index, not a prior look-up, decides whether the email is free. */
export async function signUp(ctx: AuthContext, body: SignupBody): Promise<IssuedSession> {
  const { email, password, displayName } = checkSignup(body)
  const passwordHash = await hashPassword(password)
  const role = roleFor(ctx, email)
  try {
    const { user, session } = await inTransaction(ctx.db, async (trx) => {
      const id = randomUUID()
      const user = await insertUser(trx, {
        id,
        email,
        password_hash: passwordHash,
        role,
        display_name: displayName ?? defaultDisplayName(id),
      })
      await writeEvent(trx, 'user.created', announced(user))
      return { user, session: await openSession(trx, user.id) }
    })
    return await issue(ctx, user, session)
  } catch (error) {
    if (pgErrorCode(error) === '23505') throw new EmailInUseError({ field: 'email' })
    throw error
  }
}

/** What other services keep of a member: tickets shows the display name beside their listings. */
function announced(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    displayName: user.display_name,
    version: user.version,
  }
}

/** The signed-in member as they see themselves. */
export function profile(user: UserRow) {
  return { id: user.id, email: user.email, role: user.role, displayName: user.display_name }
}

export async function getProfile(ctx: AuthContext, userId: string) {
  const user = await findUserById(ctx.db, userId)
  if (!user) throw new NotFoundError()
  return profile(user)
}

/** A member changes their display name, one version up, announced (user.updated) to every listing of theirs. */
export async function updateProfile(ctx: AuthContext, userId: string, body: { displayName: string }) {
  const displayName = checkProfile(body)
  return inTransaction(ctx.db, async (trx) => {
    const user = await findUserById(trx, userId, true)
    if (!user) throw new NotFoundError()
    if (user.display_name === displayName) return profile(user)
    const renamed = await rename(trx, userId, displayName)
    await writeEvent(trx, 'user.updated', announced(renamed))
    return profile(renamed)
  })
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
