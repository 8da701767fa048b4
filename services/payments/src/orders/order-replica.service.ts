import { skipOrWait, type EventData } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { findOrder, saveNextVersion, updateNextVersion } from './order-replica.repository.js'
import type { OrderStatus } from './order-replica.table.js'

/**
 * The replica of orders that payments checks a payment against, kept strictly in version order: an older or
 * equal version is ignored, one that skips a version (a cancellation before its order.created) waits until
 * the missing one has arrived (skipOrWait naks it). The next version costs one statement.
 */

/** A new order starts the replica, with the all-in total the buyer reserved the ticket at. */
export async function applyOrderCreated(
  trx: Kysely<Database>,
  order: EventData<'order.created'>,
): Promise<void> {
  const saved = await saveNextVersion(trx, {
    id: order.id,
    user_id: order.userId,
    total: order.total ?? order.ticket.price,
    currency: order.ticket.currency,
    status: order.status,
    expires_at: new Date(order.expiresAt),
    version: order.version,
    ticket_id: order.ticket.id,
    event_id: order.ticket.eventId ?? null,
    seller_id: order.ticket.sellerId ?? null,
    seller_net: order.ticket.sellerNet ?? null,
  })
  if (!saved) skipOrWait((await findOrder(trx, order.id))?.version, order.version)
}

/** The order was cancelled or completed: the replica moves on to that status and version. */
export async function applyOrderStatus(
  trx: Kysely<Database>,
  change: { id: string; version: number; status: OrderStatus },
): Promise<void> {
  if (!(await updateNextVersion(trx, change)))
    skipOrWait((await findOrder(trx, change.id))?.version, change.version)
}
