import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  decodeEvent,
  eventSchemas,
  eventTypes,
  InvalidEventError,
  newEvent,
  streamOf,
  streams,
  subscriptions,
} from '../../src/index.js'
import { ticketData } from './helpers.js'

describe('event contracts', () => {
  it('wraps data in a CloudEvents 1.0 envelope that decodes back', () => {
    const event = newEvent('ticket.created', ticketData(), '/tickets')
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'ticket.created',
      datacontenttype: 'application/json',
    })
    expect(decodeEvent(JSON.stringify(event))).toEqual(event)
  })

  it('refuses data that breaks its contract, at the publisher', () => {
    expect(() => newEvent('ticket.created', { ...ticketData(), price: 19.99 }, '/tickets')).toThrow(
      /ticket.created data: \/price/,
    )
  })

  it('refuses anything that is not a valid event, at the listener', () => {
    const valid = newEvent(
      'order.completed',
      { id: randomUUID(), version: 1, ticket: { id: randomUUID() } },
      '/o',
    )
    expect(() => decodeEvent('not json')).toThrow(InvalidEventError)
    expect(() => decodeEvent(JSON.stringify({ ...valid, specversion: '0.3' }))).toThrow(/envelope/)
    expect(() => decodeEvent(JSON.stringify({ ...valid, type: 'order.exploded' }))).toThrow(/envelope/)
    expect(() => decodeEvent(JSON.stringify({ ...valid, data: { id: 'x' } }))).toThrow(/order.completed data/)
  })

  it('puts every event type in exactly one stream, published by one service', () => {
    for (const type of eventTypes) expect(streams[streamOf(type)]).toBeDefined()
    expect(streamOf('session.revoked')).toBe('AUTH')
    expect(streamOf('order.payment-refused')).toBe('ORDERS')
  })

  it('subscribes services only to events that exist and that others publish', () => {
    for (const [service, types] of Object.entries(subscriptions)) {
      for (const type of types) {
        expect(eventSchemas[type]).toBeDefined()
        expect(streams[streamOf(type)].publisher).not.toBe(service)
      }
    }
  })
})
