import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildService, BODY_LIMIT_BYTES, NotSignedInError } from '@ticketing/common'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildGateway } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { MAX_URL_LENGTH, requestTargetProblem } from '../src/request-target.js'
import { echoServer, postBody, rawExchange, UNKNOWN_API_ROUTES } from './helpers.js'

describe('the request targets the gateway refuses', () => {
  it.each([
    ['/api/tickets/a%2Fb', 'an encoded slash'],
    ['/api/tickets/a%2fb', 'an encoded slash in lower case'],
    ['/api/tickets/a%5Cb', 'an encoded backslash'],
    ['/api/tickets/a\\b', 'a backslash'],
    ['/api/tickets/../users/x', 'a dot-dot segment'],
    ['/api/tickets/./x', 'a dot segment'],
    ['/api/tickets/%2e%2e/users', 'an encoded dot-dot segment'],
    ['/api/tickets/%2E./users', 'a half-encoded dot-dot segment'],
    ['/api/tickets/%00', 'an encoded NUL'],
    ['/api/tickets/a%0Ab', 'an encoded line feed'],
    ['/api/tickets/%E0%A4%A', 'a truncated percent-encoding'],
    ['/api/tickets/%', 'a lone percent sign'],
    ['/api/tickets/%ZZ', 'a percent sign without hex'],
    ['/api/tickets/%C0%AF', 'an overlong UTF-8 encoding of a slash'],
    ['/api/tickets/%ED%A0%80', 'an encoded surrogate'],
    ['//evil.example/api', 'a protocol-relative target'],
    ['http://evil.example/api/tickets', 'an absolute URL'],
    ['*', 'the asterisk form'],
    [`/api/tickets?q=${'a'.repeat(MAX_URL_LENGTH)}`, 'a URL over 8 KB'],
  ])('%s (%s)', (target) => {
    expect(requestTargetProblem(target)).toEqual(expect.any(String))
  })

  it.each([
    '/',
    '/api/tickets',
    '/api/tickets/0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11',
    '/api/tickets?q=a%2Fb%00&cursor=..',
    '/tickets/caf%C3%A9',
    '/_next/static/chunks/app-1.js',
    '/api/tickets/a..b',
  ])('routes %s', (target) => {
    expect(requestTargetProblem(target)).toBeUndefined()
  })
})

describe('the gateway facing a hostile client', () => {
  const upstreams: Awaited<ReturnType<typeof echoServer>>[] = []
  let gateway: FastifyInstance
  let gatewayPort: number
  let strict: FastifyInstance

  beforeAll(async () => {
    const [auth, tickets, payments, client] = await Promise.all(
      ['auth', 'tickets', 'payments', 'client'].map(echoServer),
    )
    upstreams.push(auth!, tickets!, payments!, client!)
    // A real service kit in front of orders: it answers before reading a body (signed out) and holds bodies
    // to 1 MB, as every service does.
    strict = buildService({ name: 'orders', logger: false })
    strict.post('/api/orders', {
      onRequest: async () => {
        throw new NotSignedInError()
      },
      handler: async () => ({}),
    })
    await strict.listen({ port: 0, host: '127.0.0.1' })
    gateway = await buildGateway(
      readConfig({
        AUTH_URL: auth!.url,
        TICKETS_URL: tickets!.url,
        ORDERS_URL: `http://127.0.0.1:${(strict.server.address() as AddressInfo).port}`,
        PAYMENTS_URL: payments!.url,
        CLIENT_URL: client!.url,
      }),
      { logger: false },
    )
    await gateway.listen({ port: 0, host: '127.0.0.1' })
    gatewayPort = (gateway.server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await gateway.close()
    await strict.close()
    for (const { server } of upstreams) server.close()
  })

  const reached = () => upstreams.reduce((count, upstream) => count + upstream.seen.length, 0)

  it.each(UNKNOWN_API_ROUTES)(
    'answers %s %s, which no service serves, with a JSON 404',
    async (method, url) => {
      const before = reached()
      const response = await gateway.inject({ method: method as 'GET', url })
      expect(response.statusCode).toBe(404)
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      expect(response.json()).toEqual({ errors: [{ message: 'Route not found' }] })
      expect(reached()).toBe(before)
    },
  )

  it('answers a method no route takes, anywhere, with a JSON 404', async () => {
    const response = await gateway.inject({ method: 'PROPFIND', url: '/tickets' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ errors: [{ message: 'Route not found' }] })
  })

  it.each([
    '/api/tickets/a%2Fb',
    '/api/tickets/..%2Fusers',
    '/api/tickets/%00',
    '/api/tickets/%E0%A4%A',
    '/tickets/%5C..%5C',
    `/api/tickets/${'a'.repeat(MAX_URL_LENGTH)}`,
  ])('refuses %s with 400 in the common shape, reaching no service', async (url) => {
    const before = reached()
    const response = await gateway.inject({ url })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.json()).toEqual({ errors: [{ message: expect.any(String) }] })
    expect(reached()).toBe(before)
  })

  // inject() and fetch() resolve dot segments (WHATWG URL) before sending: a hostile client does not.
  it.each(['/api/tickets/../users/currentuser', '/api/tickets/%2e%2e/users/currentuser'])(
    'refuses %s as it comes on the wire',
    async (path) => {
      const before = reached()
      const answer = await rawExchange(
        gatewayPort,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      )
      expect(answer).toMatch(/^HTTP\/1.1 400 /)
      expect(answer).toContain('{"errors":[{"message":"The request path must not contain dot segments"}]}')
      expect(reached()).toBe(before)
    },
  )

  it.each([
    [
      'headers too large',
      `GET /api/tickets HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    ['an invalid header', 'GET /api/tickets HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 400],
    ['garbage', 'NOT HTTP AT ALL\r\n\r\n', 400],
  ])('answers %s, which Node cannot parse, in the common shape', async (_what, request, status) => {
    const answer = await rawExchange(gatewayPort, request)
    const [head = '', body = ''] = answer.split('\r\n\r\n')
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
    expect(head).toMatch(/content-type: application\/json/i)
    expect(JSON.parse(body)).toEqual({ errors: [{ message: expect.any(String) }] })
  })

  it('answers 413 for an API body that says it is over 1 MB, without sending it on', async () => {
    const before = reached()
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ title: 'x'.repeat(BODY_LIMIT_BYTES) }),
    })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toEqual({ errors: [{ message: 'The request body is larger than 1 MB' }] })
    expect(reached()).toBe(before)
  })

  it('answers 413 for a streamed API body once it passes 1 MB, and the connection serves the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const send = (path: string, body: Buffer, chunked: boolean) =>
      postBody(gatewayPort, agent, path, body, chunked)
    const large = Buffer.from(JSON.stringify({ ticketId: 'x'.repeat(2 * BODY_LIMIT_BYTES) }))
    const refused = await send('/api/tickets', large, true)
    expect(refused).toEqual({
      status: 413,
      body: JSON.stringify({ errors: [{ message: 'The request body is larger than 1 MB' }] }),
    })
    // The service's own early answer, here before it read the body, reaches the client as it was.
    const early = await send(
      '/api/orders',
      Buffer.from(JSON.stringify({ ticketId: 'x'.repeat(900 * 1024) })),
      false,
    )
    expect(early).toEqual({ status: 401, body: JSON.stringify({ errors: [{ message: 'Not signed in' }] }) })
    agent.destroy()
  })

  it("drops a client's X-Forwarded-For and says who asked from the socket", async () => {
    const response = await gateway.inject({
      url: '/api/tickets',
      headers: {
        'x-forwarded-for': '203.0.113.9',
        forwarded: 'for=203.0.113.9',
        'x-real-ip': '203.0.113.9',
        'x-forwarded-host': 'evil.example',
        host: 'localhost:3000',
      },
      remoteAddress: '192.0.2.7',
    })
    const { headers } = response.json<{ headers: Record<string, string> }>()
    expect(headers['x-forwarded-for']).toBe('192.0.2.7')
    expect(headers['x-forwarded-host']).toBe('localhost:3000')
    expect(headers.forwarded).toBeUndefined()
    expect(headers['x-real-ip']).toBeUndefined()
  })

  it('believes the X-Forwarded-For of a proxy named in TRUST_PROXY, and only of that one', async () => {
    const tickets = upstreams[1]!
    const behindProxy = await buildGateway(
      readConfig({ TICKETS_URL: tickets.url, TRUST_PROXY: '10.0.0.1' }),
      {
        logger: false,
      },
    )
    const viaProxy = await behindProxy.inject({
      url: '/api/tickets',
      headers: { 'x-forwarded-for': '198.51.100.4, 203.0.113.9' },
      remoteAddress: '10.0.0.1',
    })
    expect(viaProxy.json<{ headers: Record<string, string> }>().headers['x-forwarded-for']).toBe(
      '203.0.113.9',
    )
    const direct = await behindProxy.inject({
      url: '/api/tickets',
      headers: { 'x-forwarded-for': '203.0.113.9' },
      remoteAddress: '192.0.2.7',
    })
    expect(direct.json<{ headers: Record<string, string> }>().headers['x-forwarded-for']).toBe('192.0.2.7')
    await behindProxy.close()
    expect(() => readConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/)
  })
})
