import { defineError } from '@ticketing/common'

export class TicketNotFoundError extends defineError('NOT_FOUND') {
  constructor() {
    super({ message: 'Ticket not found' })
  }
}
export class NotYoursError extends defineError('NOT_YOURS') {}
export class TicketReservedError extends defineError('TICKET_RESERVED') {}

/** A sale is final. */
export class TicketSoldError extends defineError('TICKET_SOLD') {}
export class TicketOnSaleError extends defineError('TICKET_ON_SALE') {}
export class TicketNotOnSaleError extends defineError('TICKET_NOT_ON_SALE') {}
