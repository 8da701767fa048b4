import { createHash } from 'node:crypto'

/** The name space of our ids (RFC 9562 name-based UUIDs need one): a fixed random UUID. */
const EXPIRATION_NAMESPACE = Buffer.from('8f0e6a52-3c1d-4c57-9a5e-2b7d41f0c9a3'.replace(/-/g, ''), 'hex')

/**
 * The id of an order's expiration.completed: a UUID v5 of the order id. The same order always gets the same
 * id, which is also the Nats-Msg-Id, so a job that fires twice (a retry after a lost ack) is stored once.
 */
export function expirationEventId(orderId: string): string {
  const bytes = createHash('sha1').update(EXPIRATION_NAMESPACE).update(orderId).digest().subarray(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x50 // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80 // RFC variant
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
