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
 * The body of POST. The schema states only the shape (types taken literally: "10" is not a price); the rules
 * are checked by checkTicketInput, so that every broken one is reported at once, and those that depend on the
 * event by checkAgainstEvent. With an event, the title may be left out or blank: it is the event's name
 * (`titleOfEventOptional` lets the body past the schema, which requires it otherwise, so that a body
 * missing both title and price is told of both at once).
 */
export const TicketInput = Type.Object({
  title: Type.String(),
  price: Type.Number(),
  eventId: Type.Optional(Type.String({ format: 'uuid', title: 'Event' })),
  section: Type.Optional(Type.String()),
  row: Type.Optional(Type.String()),
  seat: Type.Optional(Type.String()),
  /** Major units: the price printed on the ticket. */
  faceValue: Type.Optional(Type.Number({ title: 'Face value' })),
})
export type TicketInput = Static<typeof TicketInput>

/** A preValidation hook of POST: a listing of an event may leave its title out. */
export async function titleOfEventOptional(request: { body: unknown }): Promise<void> {
  const body = request.body as Record<string, unknown> | null
  if (body && typeof body === 'object' && body.eventId !== undefined && body.title === undefined)
    body.title = ''
}

/** The body of PUT: what a seller may change of a listing. */
export const TicketEdit = Type.Object({
  title: Type.String(),
  price: Type.Number(),
})
export type TicketEdit = Static<typeof TicketEdit>

export const TicketIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

export const ListTicketsQuery = Type.Object({
  ...pageQuery,
  /** A seller: their tickets, reserved ones included, instead of the tickets for sale. */
  userId: Type.Optional(Type.String({ format: 'uuid' })),
  /** Only tickets whose title contains this text, in any letter case. */
  q: Type.Optional(Type.String({ maxLength: 100, title: 'Search text' })),
})

export const Ticket = Type.Object({
  id: Type.String(),
  title: Type.String(),
  /** Major units: 19.99 */
  price: Type.Number(),
  currency: Type.String(),
  /** The seller of its current or last listing. */
  userId: Type.String(),
  /** Who holds it now (the seller while listed); absent for a ticket sold before holdings were recorded. */
  holderId: Type.Optional(Type.String()),
  version: Type.Integer(),
  /** Present while an order holds the ticket: the order reserving it, or the one it was sold to. */
  orderId: Type.Optional(Type.String()),
  /**
   * `available`: on sale; `reserved`: held by an open order; `sold`: its order completed, for good;
   * `withdrawn`: taken off sale (its event was cancelled).
   */
  status: Type.Union([
    Type.Literal('available'),
    Type.Literal('reserved'),
    Type.Literal('sold'),
    Type.Literal('withdrawn'),
  ]),
  eventId: Type.Optional(Type.String()),
  section: Type.Optional(Type.String()),
  row: Type.Optional(Type.String()),
  seat: Type.Optional(Type.String()),
  /** Major units. */
  faceValue: Type.Optional(Type.Number()),
  /** Who sells it, by the name they chose (never their email). */
  seller: Type.Object({ id: Type.String(), displayName: Type.String() }),
  /** Major units: the fee a buyer pays on top of the price. */
  buyerFee: Type.Number(),
  /** Major units: the all-in price, price + buyerFee, what a buyer is charged. */
  buyerTotal: Type.Number(),
  /** Major units: what the marketplace keeps of the price. */
  sellerFee: Type.Number(),
  /** Major units: what the seller receives, price − sellerFee. */
  sellerNet: Type.Number(),
})
export type Ticket = Static<typeof Ticket>

export function ticketStatus(ticket: TicketRow): Ticket['status'] {
  if (ticket.sold_at !== null) return 'sold'
  if (ticket.order_id !== null) return 'reserved'
  return ticket.withdrawn_at === null ? 'available' : 'withdrawn'
}

export function ticketJson(ticket: TicketRow, sellerName: string): Ticket {
  return {
    id: ticket.id,
    title: ticket.title,
    price: toMajorUnits(ticket.price, ticket.currency),
    currency: ticket.currency,
    userId: ticket.user_id,
    ...(ticket.holder_id !== null && { holderId: ticket.holder_id }),
    version: ticket.version,
    ...(ticket.order_id !== null && { orderId: ticket.order_id }),
    status: ticketStatus(ticket),
    ...(ticket.event_id !== null && { eventId: ticket.event_id }),
    ...(ticket.section !== null && { section: ticket.section }),
    ...(ticket.row !== null && { row: ticket.row }),
    ...(ticket.seat !== null && { seat: ticket.seat }),
    ...(ticket.face_value !== null && { faceValue: toMajorUnits(ticket.face_value, ticket.currency) }),
    seller: { id: ticket.user_id, displayName: sellerName },
    buyerFee: toMajorUnits(ticket.buyer_fee, ticket.currency),
    buyerTotal: toMajorUnits(ticket.price + ticket.buyer_fee, ticket.currency),
    sellerFee: toMajorUnits(ticket.seller_fee, ticket.currency),
    sellerNet: toMajorUnits(ticket.price - ticket.seller_fee, ticket.currency),
  }
}

const MAX_TITLE_LENGTH = 200
const validPrice = Compile(PriceSchema)

/** What a listing's input holds once checked: minor units, trimmed texts, absent parts left out. */
export interface CheckedListing {
  /** Undefined: none given (an event's name may stand in). */
  title?: string
  price: number
  section?: string
  row?: string
  seat?: string
  faceValue?: number
}

const PLACE_PARTS = [
  ['section', 'Section'],
  ['row', 'Row'],
  ['seat', 'Seat'],
] as const
const MAX_PLACE_LENGTH = 40

/**
 * The listing rules, every broken one reported at once: a title of at most 200 characters once trimmed
 * (required unless `titleOptional`: a listing of an event is named after it), a price above 0, at most
 * 1,000,000, with at most as many decimals as the currency has (ISO 4217) and at least the payment gateway's
 * minimum charge; a section, row and seat of at most 40 characters; a face value like a price. Returns what is
 * stored: trimmed texts and minor units.
 */
export function checkTicketInput(
  input: TicketEdit & Partial<Omit<TicketInput, 'title'>>,
  currency: string,
  titleOptional = input.eventId !== undefined,
): CheckedListing {
  const errors: ErrorItem[] = []
  const checked: Partial<CheckedListing> = {}
  const trimmed = input.title?.trim() ?? ''
  const length = [...trimmed].length
  if (length === 0) {
    if (!titleOptional) errors.push({ field: 'title', message: 'Title is required' })
  } else if (length > MAX_TITLE_LENGTH) {
    errors.push({ field: 'title', message: `Title must be at most ${MAX_TITLE_LENGTH} characters` })
  } else checked.title = trimmed

  const price = checkAmount(input.price, currency, 'price', 'Price', errors)
  if (price !== undefined) {
    // A price the card gateway would refuse to charge is refused now, not at payment, when the buyer has
    // already reserved it.
    const tooLow = priceMinimumError(input.price, currency)
    if (tooLow) errors.push(tooLow)
    else checked.price = price
  }
  for (const [field, subject] of PLACE_PARTS) {
    const value = input[field]?.trim()
    if (!value) continue
    if ([...value].length > MAX_PLACE_LENGTH) {
      errors.push({ field, message: `${subject} must be at most ${MAX_PLACE_LENGTH} characters` })
    } else checked[field] = value
  }
  if (input.faceValue !== undefined) {
    checked.faceValue = checkAmount(input.faceValue, currency, 'faceValue', 'Face value', errors)
  }
  if (errors.length > 0) throw new ValidationError(errors)
  return checked as CheckedListing
}

/** A money amount in major units: above 0, at most MAX_PRICE, the currency's decimals. Minor units back. */
function checkAmount(
  amount: number,
  currency: string,
  field: string,
  subject: string,
  errors: ErrorItem[],
): number | undefined {
  if (!validPrice.Check(amount)) {
    errors.push({
      field,
      message: `${subject} must be more than 0 and at most ${MAX_PRICE.toLocaleString('en-US')}`,
    })
    return undefined
  }
  const decimals = priceDecimalsError(amount, currency, field, subject)
  if (decimals) {
    errors.push(decimals)
    return undefined
  }
  return toMinorUnits(amount, currency)
}
