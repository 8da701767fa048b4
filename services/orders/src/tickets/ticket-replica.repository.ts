import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { TicketReplicaRow } from './ticket-replica.table.js'

export async function findTicket(db: Kysely<Database>, id: string): Promise<TicketReplicaRow | undefined> {
  return db.selectFrom('ticket_replicas').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Saves the ticket's state if it is the next version (0 for a ticket not seen yet), in one statement; false
 * when it is not, and nothing changed.
 */
export async function saveNextVersion(db: Kysely<Database>, ticket: TicketReplicaRow): Promise<boolean> {
  const { id, ...state } = ticket
  const saved =
    ticket.version === 0
      ? await db
          .insertInto('ticket_replicas')
          .values(ticket)
          .onConflict((conflict) => conflict.column('id').doNothing())
          .returning('id')
          .executeTakeFirst()
      : await db
          .updateTable('ticket_replicas')
          .set(state)
          .where('id', '=', id)
          .where('version', '=', ticket.version - 1)
          .returning('id')
          .executeTakeFirst()
  return saved !== undefined
}
