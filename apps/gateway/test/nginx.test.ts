import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { BODY_LIMIT_BYTES, buildService, NotSignedInError } from '@ticketing/common'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readConfig, type Config } from '../src/config.js'
import { findNginx, prepareNginx } from '../src/nginx.js'
import { MAX_URL_LENGTH } from '../src/request-target.js'
import { echoServer, postBody, rawExchange, UNKNOWN_API_ROUTES } from './helpers.js'

// CI installs nginx (.ci/run); a developer's machine without it runs the Node gateway, and these tests say why.
const nginx = findNginx()
if (!nginx && process.env.CI) throw new Error('nginx is not installed: .ci/run installs nginx-light')

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  return port
}

/** nginx on a free port with the configuration `npm start` would write, until `stop`. */
async function startNginx(config: Omit<Config, 'PORT'>, microCache = true) {
  const port = await freePort()
  const runtimeDir = await mkdtemp(path.join(tmpdir(), 'gateway-nginx-'))
  const { command, args } = await prepareNginx(
    { ...config, PORT: port },
    { runtimeDir, host: '127.0.0.1', microCache },
  )
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] })
  for (let tries = 0; ; tries++) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    )
    if (up) break
    if (tries > 100 || child.exitCode !== null) throw new Error('nginx did not start')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM')
      if (child.exitCode === null) await once(child, 'exit')
      await rm(runtimeDir, { recursive: true, force: true })
    },
  }
}

/** A page server: counts renders, and sets a cookie on /with-cookie. */
async function pageServer() {
  let renders = 0
  const server = http.createServer((request, response) => {
    renders++
    response.setHeader('content-type', 'text/html; charset=utf-8')
    response.setHeader('cache-control', 'private, no-cache, no-store, max-age=0, must-revalidate')
    if (request.url === '/with-cookie') response.setHeader('set-cookie', 'visitor=1; Path=/')
    response.end(`<p>render ${renders} of ${request.url}</p>`)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, renders: () => renders, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** A service instance that resets every connection as soon as a request arrives. */
async function resettingServer() {
  let requests = 0
  const server = http.createServer((request) => {
    requests++
    request.socket.destroy()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    server,
    requests: () => requests,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  }
}

describe.skipIf(!nginx)('the nginx gateway', () => {
  let auth: Awaited<ReturnType<typeof echoServer>>
  let tickets: Awaited<ReturnType<typeof echoServer>>
  let payments: Awaited<ReturnType<typeof echoServer>>
  let orders: FastifyInstance
  let pages: Awaited<ReturnType<typeof pageServer>>
  let gateway: Awaited<ReturnType<typeof startNginx>>

  beforeAll(async () => {
    ;[auth, tickets, payments] = await Promise.all([
      echoServer('auth'),
      echoServer('tickets'),
      echoServer('payments'),
    ])
    pages = await pageServer()
    // A real service kit in front of orders: it answers before reading a body (signed out), and its parser
    // answers a head over Node's limit in the common shape, as every service's does.
    orders = buildService({ name: 'orders', logger: false })
    orders.post('/api/orders', {
      onRequest: async () => {
        throw new NotSignedInError()
      },
      handler: async () => ({}),
    })
    orders.get('/api/orders', async () => [])
    await orders.listen({ port: 0, host: '127.0.0.1' })
    gateway = await startNginx(
      readConfig({
        AUTH_URL: auth.url,
        TICKETS_URL: tickets.url,
        ORDERS_URL: `http://127.0.0.1:${(orders.server.address() as AddressInfo).port}`,
        PAYMENTS_URL: payments.url,
        CLIENT_URL: pages.url,
      }),
    )
  })
  afterAll(async () => {
    await gateway?.stop()
    await orders?.close()
    for (const upstream of [auth, tickets, payments, pages]) upstream?.server.close()
  })

  const reached = () => auth.seen.length + tickets.seen.length + payments.seen.length + pages.renders()

  it.each([
    ['/api/users/currentuser', 'auth'],
    ['/api/docs/tickets.json', 'auth'],
    ['/api/tickets', 'tickets'],
    ['/api/tickets/0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11?x=1', 'tickets'],
    ['/api/payments', 'payments'],
  ])('routes %s to %s, as it came, saying who asked', async (url, service) => {
    const response = await fetch(`${gateway.url}${url}`, {
      headers: {
        'x-forwarded-for': '6.6.6.6',
        forwarded: 'for=6.6.6.6',
        'x-real-ip': '6.6.6.6',
        'x-request-id': 'trace-1',
      },
    })
    expect(response.status).toBe(200)
    const seen = (await response.json()) as { name: string; url: string; headers: Record<string, string> }
    expect(seen).toMatchObject({ name: service, url })
    expect(seen.headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': `127.0.0.1:${gateway.port}`,
      'x-forwarded-proto': 'http',
      'x-request-id': 'trace-1',
      host: `127.0.0.1:${gateway.port}`,
    })
    expect(seen.headers).not.toHaveProperty('forwarded')
    expect(seen.headers).not.toHaveProperty('x-real-ip')
    expect(response.headers.get('x-request-id')).toBe('trace-1')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('set-cookie')).toBe(`from=${service}; Path=/; HttpOnly`)
  })

  it('gives a request without a usable id one of its own, and tells the service and the client', async () => {
    const response = await fetch(`${gateway.url}/api/tickets`, { headers: { 'x-request-id': 'no spaces' } })
    const seen = (await response.json()) as { headers: Record<string, string> }
    expect(seen.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(response.headers.get('x-request-id')).toBe(seen.headers['x-request-id'])
  })

  it.each([...UNKNOWN_API_ROUTES, ['GET', '/_retryable/api/tickets'], ['POST', '/api/nowhere', 'with-key']])(
    'answers %s %s, which no service serves, with a JSON 404',
    async (method, url, key?: string) => {
      const before = reached()
      const response = await fetch(`${gateway.url}${url}`, {
        method,
        ...(key && { headers: { 'idempotency-key': key } }),
      })
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await response.json()).toEqual({ errors: [{ message: 'Route not found' }] })
      expect(reached()).toBe(before)
    },
  )

  it.each([
    ['/api/tickets/a%2Fb', 'encoded separators'],
    ['/api/tickets/a%5cb', 'encoded separators'],
    ['/api/tickets/a\\b', 'encoded separators'],
    ['/api/tickets/../users/x', 'dot segments'],
    ['/api/tickets/./x', 'dot segments'],
    ['/api/tickets/%2e%2e/users', 'dot segments'],
    ['/api/tickets/%2E./users', 'dot segments'],
    ['/api/tickets/..', 'dot segments'],
    ['/api/tickets/..?x=1', 'dot segments'],
    ['/api/tickets/%00', 'not well-formed'],
    ['/api/tickets/a%0Ab', 'control characters'],
    ['/api/tickets/%7f', 'control characters'],
    ['/api/tickets/%E0%A4%A', 'not well-formed'],
    ['/api/tickets/%', 'not well-formed'],
    ['/api/tickets/%ZZ', 'not well-formed'],
    ['/api/tickets/%C0%AF', 'percent-encoded'],
    ['/api/tickets/%ED%A0%80', 'percent-encoded'],
    ['/api/tickets/%F4%90%80%80', 'percent-encoded'],
    ['/api/tickets/%FF', 'percent-encoded'],
    ['//evil.example/api', 'must be a path'],
    [`/api/tickets?q=${'a'.repeat(MAX_URL_LENGTH)}`, 'longer than'],
  ])('refuses %s (%s) with 400 in the common shape, reaching no service', async (target, reason) => {
    const before = reached()
    const answer = await rawExchange(
      gateway.port,
      `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    )
    const [head = '', body = ''] = answer.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1.1 400 /)
    expect(head).toMatch(/content-type: application\/json/i)
    const { errors } = JSON.parse(body) as { errors: { message: string }[] }
    expect(errors).toEqual([{ message: expect.stringContaining(reason) }])
    expect(reached()).toBe(before)
  })

  it.each([
    '/api/tickets?q=a%2Fb%00&cursor=..',
    '/tickets/caf%C3%A9',
    '/api/tickets/%F0%9F%8E%AB',
    '/api/tickets/a..b',
    '/api/tickets/%e2%82%ac',
  ])('routes %s, which only looks odd', async (target) => {
    const before = reached()
    const answer = await rawExchange(
      gateway.port,
      `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    )
    expect(answer).toMatch(/^HTTP\/1.1 200 /)
    expect(reached()).toBe(before + 1)
  })

  it.each([
    ['a header line longer than a head may be', `X-Big: ${'a'.repeat(20_000)}\r\n`, 431],
    [
      'a head of shorter lines over the services’ limit',
      `X-A: ${'a'.repeat(9_000)}\r\nX-B: ${'b'.repeat(9_000)}\r\n`,
      431,
    ],
    ['a request line longer than a head may be', '', 431, `/api/orders?q=${'a'.repeat(20_000)}`],
  ])('answers %s in the common shape', async (_what, header, status, target = '/api/orders') => {
    // nginx closes the connection after its own 431; after a service's, it keeps it open for the next request.
    const answer = await rawExchange(
      gateway.port,
      `GET ${target} HTTP/1.1\r\nHost: x\r\n${header}\r\n`,
      /\r\n\r\n\{.*\}$/s,
    )
    const [head = '', body = ''] = answer.split('\r\n\r\n')
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
    expect(head).toMatch(/content-type: application\/json/i)
    expect(JSON.parse(body)).toEqual({ errors: [{ message: 'The request headers are too large' }] })
  })

  it.each([
    ['not HTTP', 'NOT HTTP AT ALL\r\n\r\n'],
    ['an invalid header line', 'GET /api/tickets HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'],
  ])('answers a request that is %s in the common shape, reaching no service', async (_what, request) => {
    const before = reached()
    const answer = await rawExchange(gateway.port, request)
    const [head = '', body = ''] = answer.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1.1 400 /)
    expect(JSON.parse(body)).toEqual({ errors: [{ message: 'The request is not well-formed HTTP' }] })
    expect(reached()).toBe(before)
  })

  it('answers 413 for a body over 1 MB, declared or streamed, sends nothing on, and serves the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const send = (body: Buffer, chunked: boolean) =>
      postBody(gateway.port, agent, '/api/tickets', body, chunked)
    const before = reached()
    const large = Buffer.alloc(BODY_LIMIT_BYTES + 1, 'a')
    const tooLarge = { status: 413, body: '{"errors":[{"message":"The request body is larger than 1 MB"}]}' }
    expect(await send(large, false)).toEqual(tooLarge)
    expect(await send(large, true)).toEqual(tooLarge)
    expect(reached()).toBe(before)
    const fine = await send(Buffer.from('{"title":"x"}'), true)
    expect(fine.status).toBe(200)
    expect(JSON.parse(fine.body)).toMatchObject({ name: 'tickets', bytes: 13 })
    agent.destroy()
  })

  it('passes a service’s own refusal on as it is, before the body is read', async () => {
    const response = await fetch(`${gateway.url}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticketId: 'x'.repeat(500_000) }),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ errors: [{ message: 'Not signed in' }] })
  })

  describe('the page micro-cache', () => {
    it('renders an anonymous page once a second, and says so', async () => {
      const before = pages.renders()
      const first = await fetch(`${gateway.url}/events?page=cache-1`)
      const second = await fetch(`${gateway.url}/events?page=cache-1`)
      expect(first.headers.get('x-cache')).toBe('MISS')
      expect(second.headers.get('x-cache')).toBe('HIT')
      expect(await second.text()).toBe(await first.text())
      expect(pages.renders()).toBe(before + 1)
      expect(second.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/)
      expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
    })

    it('serves a page being rendered again from the last render, then the new one', async () => {
      await fetch(`${gateway.url}/events?page=cache-2`)
      // nginx counts a page's second in whole seconds: it is stale after one to two.
      await new Promise((resolve) => setTimeout(resolve, 2_100))
      const stale = await fetch(`${gateway.url}/events?page=cache-2`)
      expect(stale.headers.get('x-cache')).toBe('STALE')
      await new Promise((resolve) => setTimeout(resolve, 100))
      const fresh = await fetch(`${gateway.url}/events?page=cache-2`)
      expect(fresh.headers.get('x-cache')).toBe('HIT')
      expect(await fresh.text()).not.toBe(await stale.text())
    })

    it('renders one page once for many viewers at the same moment', async () => {
      const before = pages.renders()
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${gateway.url}/events?page=cache-3`)),
      )
      expect(new Set(await Promise.all(answers.map((answer) => answer.text()))).size).toBe(1)
      expect(pages.renders()).toBe(before + 1)
    })

    it.each([
      ['cookie', 'session=abc'],
      ['cookie', 'refresh=abc'],
      ['cookie', 'theme=dark; signed_in=1'],
      ['rsc', '1'],
      ['next-router-prefetch', '1'],
    ])('never answers a request with %s: %s from the cache, nor keeps its page', async (name, value) => {
      const url = `${gateway.url}/events?page=bypass-${name}-${value}`
      await fetch(url)
      const before = pages.renders()
      const viewer = await fetch(url, { headers: { [name]: value } })
      expect(viewer.headers.get('x-cache')).toBe('BYPASS')
      expect(await viewer.text()).toContain(`render ${before + 1}`)
    })

    it('never keeps an answer that sets a cookie, nor any API answer', async () => {
      const before = pages.renders()
      await fetch(`${gateway.url}/with-cookie`)
      await fetch(`${gateway.url}/with-cookie`)
      expect(pages.renders()).toBe(before + 2)
      const seen = tickets.seen.length
      const api = await fetch(`${gateway.url}/api/tickets?limit=24`)
      await fetch(`${gateway.url}/api/tickets?limit=24`)
      expect(tickets.seen.length).toBe(seen + 2)
      expect(api.headers.get('x-cache')).toBeNull()
    })
  })
})

describe.skipIf(!nginx)('the nginx gateway in front of several instances', () => {
  it('sends any request past an instance that refuses connections, and answers 503 when none is left', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`
    const tickets = await echoServer('tickets')
    const gateway = await startNginx(
      readConfig({ TICKETS_URL: `${closed},${tickets.url}`, CLIENT_URL: closed, AUTH_URL: closed }),
    )
    try {
      for (let i = 0; i < 4; i++) {
        const response = await fetch(`${gateway.url}/api/tickets`, { method: 'POST', body: '{}' })
        expect(response.status).toBe(200)
      }
      expect(tickets.seen.filter((seen) => seen.method === 'POST')).toHaveLength(4)
      const down = await fetch(`${gateway.url}/api/users/currentuser`)
      expect(down.status).toBe(503)
      expect(await down.json()).toEqual({
        errors: [{ message: 'This part of the site is not answering; try again shortly' }],
      })
    } finally {
      await gateway.stop()
      tickets.server.close()
    }
  })

  // nginx starts each balancer at the first instance listed: here, the one that resets.
  const resetFirst = async (run: (url: string) => Promise<void>) => {
    const resetting = await resettingServer()
    const tickets = await echoServer('tickets')
    const gateway = await startNginx(
      readConfig({ TICKETS_URL: `${resetting.url},${tickets.url}`, CLIENT_URL: tickets.url }),
    )
    try {
      await run(gateway.url)
      return { resetting: resetting.requests(), tickets: tickets.seen.map((seen) => seen.method) }
    } finally {
      await gateway.stop()
      resetting.server.close()
      tickets.server.close()
    }
  }

  it('sends a GET on past an instance that reset the connection after taking it', async () => {
    const statuses: number[] = []
    const reached = await resetFirst(async (url) => {
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${url}/api/tickets`)).status)
    })
    expect(statuses).toEqual([200, 200, 200, 200])
    // Taken in turn, never marked down: every second request tries it first.
    expect(reached).toEqual({ resetting: 2, tickets: ['GET', 'GET', 'GET', 'GET'] })
  })

  it('answers 503 to a POST that an instance reset after taking it, since it may have been handled', async () => {
    const statuses: number[] = []
    const reached = await resetFirst(async (url) => {
      for (let i = 0; i < 2; i++) {
        statuses.push((await fetch(`${url}/api/tickets`, { method: 'POST', body: '{}' })).status)
      }
    })
    expect(statuses).toEqual([503, 200])
    expect(reached).toEqual({ resetting: 1, tickets: ['POST'] })
  })

  it('sends a POST with an Idempotency-Key on past a reset, exactly as it came', async () => {
    const answers: { status: number; seen: { url: string; headers: Record<string, string> } }[] = []
    const reached = await resetFirst(async (url) => {
      for (const key of ['k-1', 'k-2']) {
        const response = await fetch(`${url}/api/tickets/caf%C3%A9/x?y=%2F`, {
          method: 'POST',
          headers: { 'idempotency-key': key },
          body: '{"price":10}',
        })
        answers.push({
          status: response.status,
          seen: (await response.json()) as (typeof answers)[0]['seen'],
        })
      }
    })
    expect(answers.map((answer) => answer.status)).toEqual([200, 200])
    expect(answers[0]!.seen.url).toBe('/api/tickets/caf%C3%A9/x?y=%2F')
    expect(answers[0]!.seen.headers['idempotency-key']).toBe('k-1')
    expect(reached).toEqual({ resetting: 1, tickets: ['POST', 'POST'] })
  })
})
