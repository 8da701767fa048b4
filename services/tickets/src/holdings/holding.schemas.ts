import { pageQuery } from '@ticketing/common'
import Type, { type Static } from 'typebox'

export const RelistBody = Type.Object({ price: Type.Number({ title: 'Price' }) })
export type RelistBody = Static<typeof RelistBody>

export const TransferBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254, title: 'Email' }),
})
export type TransferBody = Static<typeof TransferBody>

export const ListHoldingsQuery = Type.Object({ ...pageQuery })

export const Credential = Type.Object({
  /** A compact EdDSA-signed token (a JWS): shown as a QR code, checked at the door. */
  credential: Type.String(),
})

export const VerifyBody = Type.Object({ credential: Type.String({ maxLength: 4096, title: 'Credential' }) })

export const Verdict = Type.Object({
  valid: Type.Boolean(),
  /**
   * Why not: `superseded` (the ticket changed hands since it was issued), `invalid` (not one of ours, or altered),
   * `event_over` (its event ended or was cancelled).
   */
  reason: Type.Optional(
    Type.Union([Type.Literal('superseded'), Type.Literal('invalid'), Type.Literal('event_over')]),
  ),
  ticketId: Type.Optional(Type.String()),
})
export type Verdict = Static<typeof Verdict>

const Party = Type.Object({ displayName: Type.String() })

/** One step of a ticket's custody, oldest first: listed for sale, sold, or given to another member. */
export const CustodyStep = Type.Object({
  kind: Type.Union([Type.Literal('listed'), Type.Literal('sold'), Type.Literal('transferred')]),
  at: Type.String(),
  /** Major units: the listing's or the sale's price; absent for a transfer. */
  price: Type.Optional(Type.Number()),
  currency: Type.Optional(Type.String()),
  from: Type.Optional(Party),
  to: Type.Optional(Party),
})
export type CustodyStep = Static<typeof CustodyStep>
