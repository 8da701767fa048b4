import { skipOrWait, type EventData } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { findTicket, saveNextVersion } from './ticket-replica.repository.js'

/**
 * Keeps the replica of a ticket, strictly in version order, in one statement for the next version: an older
 * or equal version is ignored, one that skips a version waits (skipOrWait naks it until the missing one has
 * arrived).
 */
export async function applyTicketState(
  trx: Kysely<Database>,
  ticket: EventData<'ticket.created' | 'ticket.updated'>,
): Promise<void> {
  const saved = await saveNextVersion(trx, {
    id: ticket.id,
    title: ticket.title,
    price: ticket.price,
    buyer_fee: ticket.buyerFee ?? 0,
    seller_fee: ticket.sellerFee ?? 0,
    currency: ticket.currency,
    user_id: ticket.userId,
    order_id: ticket.orderId ?? null,
    status: ticket.status ?? null,
    event_id: ticket.eventId ?? null,
    version: ticket.version,
  })
  if (!saved) return skipOrWait((await findTicket(trx, ticket.id))?.version, ticket.version)
  // On sale again after a sale: its buyer relisted it, and the order that bought it holds it no more.
  if (ticket.status === 'available') {
    await trx
      .updateTable('orders')
      .set({ resold_at: new Date() })
      .where('ticket_id', '=', ticket.id)
      .where('status', '=', 'complete')
      .where('resold_at', 'is', null)
      .execute()
  }
}
