/**
 * Whether an event of the catalogue still sells tickets: not cancelled and not started. tickets asks it of
 * its events, orders of its replicas of them; both refuse a sale it says no to.
 */
export function eventOnSale(event: { status: string; starts_at: Date }, now = Date.now()): boolean {
  return event.status !== 'cancelled' && event.starts_at.getTime() > now
}
