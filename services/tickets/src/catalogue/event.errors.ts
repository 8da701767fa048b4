import { defineError } from '@ticketing/common'

export class EventNotFoundError extends defineError('NOT_FOUND') {
  constructor() {
    super({ message: 'Event not found' })
  }
}

export class EventCancelledError extends defineError('EVENT_CANCELLED') {}
