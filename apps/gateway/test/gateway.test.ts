import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BODY_LIMIT_BYTES } from '@ticketing/common'
import { buildGateway } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { echoServer } from './helpers.js'

describe('the gateway', () => {
  const upstreams: Awaited<ReturnType<typeof echoServer>>[] = []
  let gateway: FastifyInstance

  beforeAll(async () => {
    const [auth, tickets, orders, payments, client] = await Promise.all(
      ['auth', 'tickets', 'orders', 'payments', 'client'].map(echoServer),
    )
    upstreams.push(auth!, tickets!, orders!, payments!, client!)
    gateway = await buildGateway(
      readConfig({
        AUTH_URL: auth!.url,
        TICKETS_URL: tickets!.url,
        ORDERS_URL: orders!.url,
        PAYMENTS_URL: payments!.url,
        CLIENT_URL: client!.url,
      }),
      { logger: false },
    )
    await gateway.ready()
  })
  afterAll(async () => {
    await gateway.close()
    for (const { server } of upstreams) server.close()
  })

  it.each([
    ['/api/users/currentuser', 'auth'],
    ['/api/tickets?limit=2', 'tickets'],
    ['/api/tickets/abc', 'tickets'],
    ['/api/orders', 'orders'],
    ['/api/payments', 'payments'],
    ['/', 'client'],
    ['/tickets/new', 'client'],
    ['/_next/static/chunk.js', 'client'],
  ])('routes %s to %s, path and query intact', async (url, name) => {
    const response = await gateway.inject({ url })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ name, url })
  })

  it('forwards cookies both ways, says who asked, and gives the request an id the service sees too', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/orders',
      headers: {
        cookie: 'session=abc; refresh=def',
        'content-type': 'application/json',
        host: 'localhost:3000',
      },
      payload: { ticketId: 'x' },
      remoteAddress: '192.0.2.7',
    })
    const seen = response.json<{ headers: Record<string, string>; method: string }>()
    expect(seen.method).toBe('POST')
    expect(seen.headers).toMatchObject({
      cookie: 'session=abc; refresh=def',
      'x-forwarded-for': '192.0.2.7',
      'x-forwarded-host': 'localhost:3000',
      'x-forwarded-proto': 'http',
      'x-request-id': response.headers['x-request-id'],
    })
    expect(response.headers['set-cookie']).toBe('from=orders; Path=/; HttpOnly')

    const traced = await gateway.inject({ url: '/api/tickets', headers: { 'x-request-id': 'trace-42' } })
    expect(traced.json<{ headers: Record<string, string> }>().headers['x-request-id']).toBe('trace-42')
  })

  it('streams bodies through unparsed, whatever their type: up to 1 MB to a service, any size to the client', async () => {
    const body = Buffer.alloc(BODY_LIMIT_BYTES, 'x')
    const response = await gateway.inject({
      method: 'PUT',
      url: '/api/tickets/abc',
      headers: { 'content-type': 'application/octet-stream' },
      payload: body,
    })
    expect(response.json()).toMatchObject({ name: 'tickets', bytes: body.length })
    const upload = Buffer.alloc(3 * 1024 * 1024, 'x')
    const page = await gateway.inject({ method: 'POST', url: '/upload', payload: upload })
    expect(page.json()).toMatchObject({ name: 'client', bytes: upload.length })
  })

  it('answers 503 in the common shape when a service is down', async () => {
    const down = await buildGateway(readConfig({ ORDERS_URL: 'http://127.0.0.1:9' }), { logger: false })
    const response = await down.inject({ url: '/api/orders' })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({
      errors: [{ message: 'This part of the site is not answering; try again shortly' }],
    })
    await down.close()
  })
})
