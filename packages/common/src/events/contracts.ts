import Type, { type Static, type TSchema } from 'typebox'
import type { ServiceName } from '../services.js'

/**
 * The event contracts between services: every event type with its payload schema, which stream holds it and
 * which services listen to it. Publishers and listeners both validate against these schemas.
 */

const Id = Type.String({ format: 'uuid' })
const Timestamp = Type.String({ format: 'date-time' })
const MinorUnits = Type.Integer({ minimum: 0 })
const Currency = Type.String({ pattern: '^[A-Z]{3}$' })
const Version = Type.Integer({ minimum: 0 })

const UserBanChange = Type.Object({ userId: Id, at: Timestamp })
/** Absent in events written before display names: the name is then defaultDisplayName(id), at version 0. */
const UserState = Type.Object({
  id: Id,
  email: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  displayName: Type.Optional(Type.String()),
  version: Type.Optional(Version),
})
const TicketState = Type.Object({
  id: Id,
  version: Version,
  title: Type.String(),
  price: MinorUnits,
  /** What a buyer pays on top of the price. Absent in events written before fees: 0. */
  buyerFee: Type.Optional(MinorUnits),
  /** What the marketplace keeps of the price; the seller receives the rest. Absent before fees: 0. */
  sellerFee: Type.Optional(MinorUnits),
  currency: Currency,
  userId: Id,
  /** Who holds the ticket now. Absent in events written before holdings. */
  holderId: Type.Optional(Id),
  orderId: Type.Optional(Id),
  /** Absent in events written before the catalogue: read as `available` without an order, else `reserved`. */
  status: Type.Optional(
    Type.Union([
      Type.Literal('available'),
      Type.Literal('reserved'),
      Type.Literal('sold'),
      Type.Literal('withdrawn'),
    ]),
  ),
  eventId: Type.Optional(Id),
})

export const PriceCapSchema = Type.Object({
  kind: Type.Union([Type.Literal('none'), Type.Literal('face'), Type.Literal('face_plus')]),
  /** With `face_plus`: how far above the face value a price may go. */
  percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
})
export type PriceCap = Static<typeof PriceCapSchema>

export const EventStatusSchema = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('postponed'),
  Type.Literal('cancelled'),
])

/** What other services keep of an event of the catalogue: enough to refuse a sale it no longer allows. */
const EventState = Type.Object({
  id: Id,
  version: Version,
  name: Type.String(),
  venue: Type.String(),
  city: Type.String(),
  startsAt: Timestamp,
  status: EventStatusSchema,
  priceCap: PriceCapSchema,
})

export const eventSchemas = {
  'user.created': UserState,
  'user.updated': UserState,
  'user.banned': UserBanChange,
  'user.unbanned': UserBanChange,
  'session.revoked': Type.Object({ userId: Id, sessionId: Type.Optional(Id), at: Timestamp }),

  'event.created': EventState,
  'event.updated': EventState,
  'event.cancelled': EventState,

  'ticket.created': TicketState,
  'ticket.updated': TicketState,
  'ticket.reservation-confirmed': Type.Object({ ticketId: Id, orderId: Id }),
  'ticket.reservation-refused': Type.Object({ ticketId: Id, orderId: Id, reason: Type.String() }),

  'order.created': Type.Object({
    id: Id,
    version: Version,
    status: Type.Union([Type.Literal('created'), Type.Literal('awaiting:payment')]),
    userId: Id,
    expiresAt: Timestamp,
    /** What the buyer is charged: the ticket's all-in price. Absent in events written before fees: the price. */
    total: Type.Optional(MinorUnits),
    ticket: Type.Object({
      id: Id,
      version: Version,
      price: MinorUnits,
      currency: Currency,
      eventId: Type.Optional(Id),
      /** Who sells it, and what they receive once the sale completes (payments' payout). Absent before fees. */
      sellerId: Type.Optional(Id),
      sellerNet: Type.Optional(MinorUnits),
    }),
  }),
  'order.cancelled': Type.Object({
    id: Id,
    version: Version,
    ticket: Type.Object({ id: Id }),
    reason: Type.Union([
      Type.Literal('user'),
      Type.Literal('expired'),
      Type.Literal('ticket_changed'),
      Type.Literal('payment_refused'),
      Type.Literal('event_cancelled'),
    ]),
  }),
  'order.completed': Type.Object({
    id: Id,
    version: Version,
    /** The buyer, who holds the ticket from now on. Absent in events written before holdings. */
    userId: Type.Optional(Id),
    ticket: Type.Object({ id: Id }),
    /** What the buyer paid. Absent in events written before fees. */
    total: Type.Optional(MinorUnits),
  }),
  'order.payment-refused': Type.Object({ orderId: Id, paymentId: Id }),

  'expiration.completed': Type.Object({ orderId: Id }),

  'payment.created': Type.Object({
    id: Id,
    orderId: Id,
    amount: MinorUnits,
    currency: Currency,
    gatewayChargeId: Type.String(),
  }),
  'payment.refunded': Type.Object({ id: Id, orderId: Id }),
} satisfies Record<string, TSchema>

export type EventType = keyof typeof eventSchemas
export type EventData<T extends EventType> = Static<(typeof eventSchemas)[T]>
export const eventTypes = Object.keys(eventSchemas) as EventType[]

/**
 * One stream per publishing service. Every stream keeps a day of events (limits retention, bounded in bytes,
 * refusing new publishes rather than dropping old ones when full): a consumer deleted and recreated, or made
 * late, reads the day again (processed_events skips what it applied), and auth's revocation lists replay their
 * last 16 minutes from it. With interest retention, a deleted consumer's unread messages were dropped.
 */
export const streams = {
  AUTH: { publisher: 'auth', entities: ['user', 'session'] },
  TICKETS: { publisher: 'tickets', entities: ['ticket', 'event'] },
  ORDERS: { publisher: 'orders', entities: ['order'] },
  EXPIRATION: { publisher: 'expiration', entities: ['expiration'] },
  PAYMENTS: { publisher: 'payments', entities: ['payment'] },
} as const satisfies Record<string, { publisher: ServiceName; entities: string[] }>

export type StreamKey = keyof typeof streams

/**
 * Which events each service handles: through one durable consumer per stream it reads, filtered to these
 * subjects (topology.ts), with one handler per event type.
 */
export const subscriptions = {
  auth: [],
  tickets: ['user.created', 'user.updated', 'order.created', 'order.cancelled', 'order.completed'],
  orders: [
    'event.created',
    'event.updated',
    'event.cancelled',
    'ticket.created',
    'ticket.updated',
    'ticket.reservation-confirmed',
    'ticket.reservation-refused',
    'expiration.completed',
    'payment.created',
  ],
  expiration: ['order.created', 'order.cancelled', 'order.completed'],
  payments: [
    'order.created',
    'order.cancelled',
    'order.completed',
    'order.payment-refused',
    'event.created',
    'event.updated',
    'event.cancelled',
  ],
} as const satisfies Record<ServiceName, readonly EventType[]>

export function streamOf(type: EventType): StreamKey {
  const entity = type.split('.')[0]!
  const key = (Object.keys(streams) as StreamKey[]).find((name) =>
    (streams[name].entities as readonly string[]).includes(entity),
  )
  if (!key) throw new Error(`no stream holds ${type}`)
  return key
}

/** A service's durable consumer of one stream, shared by its instances: `orders-tickets`. */
export function consumerName(service: ServiceName, stream: StreamKey): string {
  return `${service}-${stream.toLowerCase()}`
}

/** The streams a service reads, each through one durable consumer. */
export function streamsReadBy(service: ServiceName): StreamKey[] {
  return [...new Set((subscriptions[service] as readonly EventType[]).map(streamOf))]
}

/**
 * The entity an event is about, by its stream's entity: a service applies the events of one entity in the order
 * they were published (never two at once), and those of different entities concurrently. An order's payment
 * events are about the order.
 */
export function entityOf(type: EventType, data: unknown): string {
  const fields = data as Partial<Record<'id' | 'ticketId' | 'orderId' | 'userId', string>>
  const entity = type.split('.')[0]!
  const key =
    entity === 'ticket'
      ? (fields.ticketId ?? fields.id)
      : entity === 'order'
        ? (fields.orderId ?? fields.id)
        : entity === 'payment' || entity === 'expiration'
          ? fields.orderId
          : (fields.userId ?? fields.id)
  return `${entity}:${key ?? 'unknown'}`
}
