import { pageQuery } from '@ticketing/common'
import Type, { type Static } from 'typebox'

export const RelistBody = Type.Object({ price: Type.Number({ title: 'Price' }) })
export type RelistBody = Static<typeof RelistBody>

export const TransferBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254, title: 'Email' }),
})
export type TransferBody = Static<typeof TransferBody>

export const ListHoldingsQuery = Type.Object({ ...pageQuery })

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
