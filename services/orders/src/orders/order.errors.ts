import { defineError } from '@ticketing/common'

export class TicketAlreadyReservedError extends defineError('TICKET_ALREADY_RESERVED') {}
export class OrderCompleteError extends defineError('ORDER_COMPLETE') {}
export class NotYoursError extends defineError('NOT_YOURS') {}
export class IdempotencyKeyReusedError extends defineError('IDEMPOTENCY_KEY_REUSED') {}
export class TooManyOpenOrdersError extends defineError('TOO_MANY_OPEN_ORDERS') {}
export class TicketNotOnSaleError extends defineError('TICKET_NOT_ON_SALE') {}
export class PriceChangedError extends defineError('PRICE_CHANGED') {}
export class EventTicketLimitError extends defineError('EVENT_TICKET_LIMIT') {}
