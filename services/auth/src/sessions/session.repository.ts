import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { UserRow } from '../users/user.table.js'
import type { SessionRow } from './session.table.js'

function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

/**
 * A session and its first refresh token in one statement: atomic without a transaction of its own, and one
 * round trip where a sign-in would otherwise pay four (begin, two inserts, commit).
 */
export async function insertSession(
  db: Kysely<Database>,
  session: { id: string; userId: string; expiresAt: Date; refreshToken: string },
) {
  await db
    .with('session', (db) =>
      db
        .insertInto('sessions')
        .values({ id: session.id, user_id: session.userId, expires_at: session.expiresAt })
        .returning('id'),
    )
    .insertInto('refresh_tokens')
    .columns(['token_hash', 'session_id'])
    .expression((eb) =>
      eb
        .selectFrom('session')
        .select([eb.val(hashRefreshToken(session.refreshToken)).as('token_hash'), 'id']),
    )
    .execute()
}

export async function insertRefreshToken(db: Kysely<Database>, sessionId: string, token: string) {
  await db
    .insertInto('refresh_tokens')
    .values({ token_hash: hashRefreshToken(token), session_id: sessionId })
    .execute()
}

export interface RefreshTokenState {
  /** How long ago the token was rotated, by the database's clock (so every instance agrees); null if not yet. */
  token: { session_id: string; rotatedMsAgo: number | null }
  session: SessionRow
  user: UserRow
}

/** The refresh token with its session and user, the token row locked so two uses of it queue. */
export async function findRefreshToken(
  db: Kysely<Database>,
  token: string,
): Promise<RefreshTokenState | undefined> {
  const row = await db
    .selectFrom('refresh_tokens as t')
    .innerJoin('sessions as s', 's.id', 't.session_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([
      't.session_id',
      sql<string | null>`extract(epoch from clock_timestamp() - t.rotated_at) * 1000`.as('rotated_ms_ago'),
      's.created_at as session_created_at',
      's.expires_at',
      's.revoked_at',
      'u.id as user_id',
      'u.email',
      'u.password_hash',
      'u.role',
      'u.created_at as user_created_at',
      'u.banned_at',
      'u.ban_reason',
      'u.display_name',
      'u.version',
    ])
    .where('t.token_hash', '=', hashRefreshToken(token))
    .forUpdate('t')
    .executeTakeFirst()
  if (!row) return undefined
  return {
    token: {
      session_id: row.session_id,
      rotatedMsAgo: row.rotated_ms_ago === null ? null : Number(row.rotated_ms_ago),
    },
    session: {
      id: row.session_id,
      user_id: row.user_id,
      created_at: row.session_created_at,
      expires_at: row.expires_at,
      revoked_at: row.revoked_at,
    },
    user: {
      id: row.user_id,
      email: row.email,
      password_hash: row.password_hash,
      role: row.role,
      created_at: row.user_created_at,
      banned_at: row.banned_at,
      ban_reason: row.ban_reason,
      display_name: row.display_name,
      version: row.version,
    },
  }
}

export async function markRotated(db: Kysely<Database>, token: string) {
  await db
    .updateTable('refresh_tokens')
    .set({ rotated_at: sql<Date>`clock_timestamp()` })
    .where('token_hash', '=', hashRefreshToken(token))
    .execute()
}

/** Revokes sessions (all of a user's, or one) that are still active; returns the ids it revoked. */
export async function revokeSessions(
  db: Kysely<Database>,
  filter: { userId: string; sessionId?: string },
): Promise<string[]> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', filter.userId)
    .where('revoked_at', 'is', null)
  if (filter.sessionId) query = query.where('id', '=', filter.sessionId)
  const rows = await query.returning('id').execute()
  return rows.map((row) => row.id)
}

export async function findSessionByRefreshToken(db: Kysely<Database>, token: string) {
  return db
    .selectFrom('refresh_tokens')
    .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
    .select(['sessions.id', 'sessions.user_id'])
    .where('refresh_tokens.token_hash', '=', hashRefreshToken(token))
    .executeTakeFirst()
}
