import { defaultDisplayName, replicaDecision, type EventData } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export interface UserReplicaTable {
  id: string
  display_name: string
  /** Null for members announced before tickets kept emails. */
  email: string | null
  version: number
}

/**
 * Keeps a member's display name, strictly in version order. Events from before display names carry neither
 * name nor version: the default name, at version 0.
 */
export async function applyUserState(
  trx: Kysely<Database>,
  user: EventData<'user.created' | 'user.updated'>,
): Promise<void> {
  const version = user.version ?? 0
  const current = await trx
    .selectFrom('user_replicas')
    .select('version')
    .where('id', '=', user.id)
    .forUpdate()
    .executeTakeFirst()
  if (replicaDecision(current?.version, version) === 'ignore') return
  const state = { display_name: user.displayName ?? defaultDisplayName(user.id), email: user.email, version }
  await trx
    .insertInto('user_replicas')
    .values({ id: user.id, ...state })
    .onConflict((conflict) => conflict.column('id').doUpdateSet(state))
    .execute()
}

/** The display names of these members, by id; those not replicated yet by their default name. */
export async function loadDisplayNames(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const names = new Map(ids.map((id) => [id, defaultDisplayName(id)]))
  if (ids.length === 0) return names
  const rows = await db
    .selectFrom('user_replicas')
    .select(['id', 'display_name'])
    .where('id', 'in', ids)
    .execute()
  for (const row of rows) names.set(row.id, row.display_name)
  return names
}
