import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { CustodyEventRow, CustodyEventTable } from './custody.table.js'
import type { Insertable } from 'kysely'

export async function recordCustody(
  db: Kysely<Database>,
  step: Insertable<CustodyEventTable>,
): Promise<void> {
  await db.insertInto('custody_events').values(step).execute()
}

/** A ticket's custody, oldest first. */
export async function custodyOf(db: Kysely<Database>, ticketId: string): Promise<CustodyEventRow[]> {
  return db.selectFrom('custody_events').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute()
}

/** The member with this email, by tickets' replica of members (any letter case). */
export async function findMemberByEmail(db: Kysely<Database>, email: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_replicas')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst()
  return row?.id
}
