import { randomUUID } from 'node:crypto'
import Type from 'typebox'
import { Compile } from 'typebox/compile'
import { eventSchemas, eventTypes, type EventData, type EventType } from './contracts.js'

/** A CloudEvents 1.0 JSON envelope around one of our events. */
export interface CloudEvent<T extends EventType = EventType> {
  specversion: '1.0'
  id: string
  source: string
  type: T
  time: string
  datacontenttype: 'application/json'
  data: EventData<T>
}

/** Any event, discriminated by `type`: `if (event.type === 'order.created') event.data.expiresAt`. */
export type AnyCloudEvent = { [T in EventType]: CloudEvent<T> }[EventType]

const Envelope = Type.Object({
  specversion: Type.Literal('1.0'),
  id: Type.String({ format: 'uuid' }),
  source: Type.String({ minLength: 1 }),
  type: Type.Union(eventTypes.map((type) => Type.Literal(type))),
  time: Type.String({ format: 'date-time' }),
  datacontenttype: Type.Literal('application/json'),
  data: Type.Unknown(),
})

const envelopeValidator = Compile(Envelope)
const dataValidators = Object.fromEntries(
  eventTypes.map((type) => [type, Compile(eventSchemas[type])]),
) as Record<EventType, ReturnType<typeof Compile>>

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidEventError'
  }
}

function firstError(validator: ReturnType<typeof Compile>, value: unknown): string {
  const [error] = validator.Errors(value)
  return error ? `${error.instancePath || '/'} ${error.message}` : 'invalid'
}

/** Checks an event's data against its contract; a publisher calls this before the event is stored. */
export function assertEventData<T extends EventType>(type: T, data: unknown): asserts data is EventData<T> {
  const validator = dataValidators[type]
  if (!validator.Check(data)) throw new InvalidEventError(`${type} data: ${firstError(validator, data)}`)
}

/**
 * The envelope around an event's data. `id` and `time` default to a new UUID and now; an event whose id must
 * be the same every time it is made (expiration's, the outbox's rows) passes its own.
 */
export function envelope<T extends EventType>(
  type: T,
  data: EventData<T>,
  source: string,
  options: { id?: string; time?: Date } = {},
): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source,
    type,
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data,
  }
}

/** A new event, its data checked against the contract first: a mistake is the publisher's. */
export function newEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  source: string,
  options: { id?: string } = {},
): CloudEvent<T> {
  assertEventData(type, data)
  return envelope(type, data, source, options)
}

/** Parses and validates a message body; throws InvalidEventError for anything that is not a valid event. */
export function decodeEvent(body: Uint8Array | string): AnyCloudEvent {
  let value: unknown
  try {
    value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'))
  } catch {
    throw new InvalidEventError('body is not JSON')
  }
  if (!envelopeValidator.Check(value)) {
    throw new InvalidEventError(`envelope: ${firstError(envelopeValidator, value)}`)
  }
  assertEventData(value.type, value.data)
  return value as AnyCloudEvent
}
