import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import {
  MAX_PRICE,
  pageQuery,
  PriceSchema,
  priceDecimalsError,
  priceMinimumError,
  toMajorUnits,
  toMinorUnits,
  ValidationError,
  type ErrorItem,
} from '@ticketing/common'
import type { TicketRow } from './ticket.table.js'

/**
 * The body of POST and PUT. The schema states only the shape (types taken literally: "10" is not a price);
 * the rules are checked by checkTicketInput, so that every broken one is reported at once.
 */
export const TicketInput = Type.Object({
  title: Type.String(),
  price: Type.Number(),
})
export type TicketInput = Static<typeof TicketInput>

export const TicketIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const ListTicketsQuery = Type.Object({
  ...pageQuery,
  /** A seller: their tickets, reserved ones included, instead of the tickets for sale. */
  userId: Type.Optional(Type.String({ format: 'uuid' })),
  /** Only tickets whose title contains this text, in any letter case. */
  q: Type.Optional(Type.String({ maxLength: 100 })),
})

export const Ticket = Type.Object({
  id: Type.String(),
  title: Type.String(),
  /** Major units: 19.99 */
  price: Type.Number(),
  currency: Type.String(),
  userId: Type.String(),
  version: Type.Integer(),
  /** Present while an order holds the ticket: the order reserving it, or the one it was sold to. */
  orderId: Type.Optional(Type.String()),
  /** `available`: on sale; `reserved`: held by an open order; `sold`: its order completed, for good. */
  status: Type.Union([Type.Literal('available'), Type.Literal('reserved'), Type.Literal('sold')]),
})
export type Ticket = Static<typeof Ticket>

export function ticketStatus(ticket: TicketRow): Ticket['status'] {
  if (ticket.sold_at !== null) return 'sold'
  return ticket.order_id === null ? 'available' : 'reserved'
}

export function ticketJson(ticket: TicketRow): Ticket {
  return {
    id: ticket.id,
    title: ticket.title,
    price: toMajorUnits(ticket.price, ticket.currency),
    currency: ticket.currency,
    userId: ticket.user_id,
    version: ticket.version,
    ...(ticket.order_id !== null && { orderId: ticket.order_id }),
    status: ticketStatus(ticket),
  }
}

const MAX_TITLE_LENGTH = 200
const validPrice = Compile(PriceSchema)

/**
 * The listing rules, every broken one reported at once: a title of 1–200 characters once trimmed, a price
 * above 0, at most 1,000,000, with at most as many decimals as the currency has (ISO 4217) and at least the
 * payment gateway's minimum charge. Returns what is stored: the trimmed title and the price in minor units.
 */
export function checkTicketInput(
  { title, price }: TicketInput,
  currency: string,
): { title: string; price: number } {
  const errors: ErrorItem[] = []
  const trimmed = title.trim()
  const length = [...trimmed].length
  if (length === 0) errors.push({ field: 'title', message: 'Title is required' })
  else if (length > MAX_TITLE_LENGTH) {
    errors.push({ field: 'title', message: `Title must be at most ${MAX_TITLE_LENGTH} characters` })
  }
  if (!validPrice.Check(price)) {
    errors.push({
      field: 'price',
      message: `Price must be more than 0 and at most ${MAX_PRICE.toLocaleString('en-US')}`,
    })
  } else {
    // A price the card gateway would refuse to charge is refused now, not at payment, when the buyer has
    // already reserved it.
    const invalid = priceDecimalsError(price, currency) ?? priceMinimumError(price, currency)
    if (invalid) errors.push(invalid)
  }
  if (errors.length > 0) throw new ValidationError(errors)
  return { title: trimmed, price: toMinorUnits(price, currency) }
}
