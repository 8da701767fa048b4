import { newestFirst, type Page } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { NewUserRow, UserRow } from './user.table.js'

export async function insertUser(db: Kysely<Database>, user: NewUserRow): Promise<UserRow> {
  return db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow()
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function findUserById(
  db: Kysely<Database>,
  id: string,
  lock = false,
): Promise<UserRow | undefined> {
  let query = db.selectFrom('users').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** A new display name, one version up. */
export async function rename(db: Kysely<Database>, id: string, displayName: string): Promise<UserRow> {
  return db
    .updateTable('users')
    .set((eb) => ({ display_name: displayName, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function setBan(
  db: Kysely<Database>,
  id: string,
  ban: { at: Date; reason: string | null } | null,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ banned_at: ban?.at ?? null, ban_reason: ban?.reason ?? null })
    .where('id', '=', id)
    .execute()
}

/** Newest first, a page at a time. */
export async function listUsers(db: Kysely<Database>, page: Page): Promise<UserRow[]> {
  return newestFirst(db.selectFrom('users').selectAll(), page).execute()
}
