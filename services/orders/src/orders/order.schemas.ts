import { pageQuery, toMajorUnits } from '@ticketing/common'
import Type, { type Static } from 'typebox'
import type { OrderRow } from './order.table.js'

export const CreateOrderBody = Type.Object({
  ticketId: Type.String({ format: 'uuid' }),
  /**
   * The all-in price the buyer saw (major units). Optional; when orders' copy of the ticket says otherwise,
   * the reservation is refused with 409 instead of made at a price they did not see.
   */
  price: Type.Optional(Type.Number({ minimum: 0 })),
})
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
})
export const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
export const ListOrdersQuery = Type.Object({ ...pageQuery })

export const Order = Type.Object({
  id: Type.String(),
  /** The order's life: order-status.ts. */
  status: Type.Union([
    Type.Literal('created'),
    Type.Literal('awaiting:payment'),
    Type.Literal('cancelled'),
    Type.Literal('complete'),
  ]),
  userId: Type.String(),
  expiresAt: Type.String(),
  version: Type.Integer(),
  /** Major units: what the buyer is charged, the ticket's price and the buyer's fee. */
  total: Type.Number(),
  ticket: Type.Object({
    id: Type.String(),
    title: Type.String(),
    price: Type.Number(),
    currency: Type.String(),
  }),
})
export type Order = Static<typeof Order>

export function orderJson(order: OrderRow): Order {
  return {
    id: order.id,
    status: order.status,
    userId: order.user_id,
    expiresAt: order.expires_at.toISOString(),
    version: order.version,
    total: toMajorUnits(order.price + order.buyer_fee, order.currency),
    ticket: {
      id: order.ticket_id,
      title: order.ticket_title,
      price: toMajorUnits(order.price, order.currency),
      currency: order.currency,
    },
  }
}
