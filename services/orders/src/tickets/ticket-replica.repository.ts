import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { TicketReplicaRow } from './ticket-replica.table.js'

export async function findTicket(
  db: Kysely<Database>,
  id: string,
  lock = false,
): Promise<TicketReplicaRow | undefined> {
  let query = db.selectFrom('ticket_replicas').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

export async function saveTicket(db: Kysely<Database>, ticket: TicketReplicaRow): Promise<void> {
  const { id: _id, ...state } = ticket
  await db
    .insertInto('ticket_replicas')
    .values(ticket)
    .onConflict((conflict) => conflict.column('id').doUpdateSet(state))
    .execute()
}
