import http from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { buildGateway, CLOSING_ANSWER } from '../src/app.js'
import { addresses, readConfig } from '../src/config.js'
import { Upstreams } from '../src/upstreams.js'
import { echoServer } from './helpers.js'

/** A stand-in instance that misbehaves: resets every connection, or answers 503 as a closing service does. */
async function badServer(how: 'reset' | '503' | 'closing') {
  let hits = 0
  const server = http.createServer((request, response) => {
    hits += 1
    request.resume()
    request.on('end', () => {
      if (how === 'reset') request.socket.destroy()
      else if (how === 'closing') {
        // As Fastify writes it (lib/route.js, return503OnClosing).
        response
          .writeHead(503, { 'content-type': 'application/json', 'content-length': '80', connection: 'close' })
          .end(CLOSING_ANSWER)
      } else
        response.writeHead(503, { 'content-type': 'application/json', 'x-from': 'bad' }).end('{"errors":[]}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, hits: () => hits, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** An address where nothing listens: connections are refused. */
async function refusingUrl(): Promise<string> {
  const server = http.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return `http://127.0.0.1:${port}`
}

describe('the gateway with several instances of a service', () => {
  const closers: (() => unknown)[] = []
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
  })

  async function gatewayFor(tickets: string[]): Promise<FastifyInstance> {
    const gateway = await buildGateway(readConfig({ TICKETS_URL: tickets.join(',') }), { logger: false })
    closers.push(() => gateway.close())
    return gateway
  }
  async function echo(name: string) {
    const upstream = await echoServer(name)
    closers.push(() => upstream.server.close())
    return upstream
  }
  async function bad(how: 'reset' | '503' | 'closing') {
    const upstream = await badServer(how)
    closers.push(() => upstream.server.close())
    return upstream
  }

  it('takes the instances in turn', async () => {
    const [one, two] = [await echo('one'), await echo('two')]
    const gateway = await gatewayFor([one.url, two.url])
    for (let i = 0; i < 4; i++) expect((await gateway.inject({ url: '/api/tickets' })).statusCode).toBe(200)
    expect([one.seen.length, two.seen.length]).toEqual([2, 2])
  })

  it('sends any request, body intact, to another instance when one refuses the connection, and passes it over after', async () => {
    const live = await echo('live')
    const gateway = await gatewayFor([await refusingUrl(), live.url])
    const posted = await gateway.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json' },
      payload: { title: 'x'.repeat(1000) },
    })
    expect(posted.statusCode).toBe(200)
    expect(posted.json()).toMatchObject({ name: 'live', method: 'POST', bytes: 1012 })
    for (let i = 0; i < 3; i++) expect((await gateway.inject({ url: '/api/tickets' })).statusCode).toBe(200)
    expect(live.seen).toHaveLength(4)
  })

  it('sends a GET or a request with an Idempotency-Key elsewhere after a reset, but never another request', async () => {
    const [resetting, live] = [await bad('reset'), await echo('live')]
    const gateway = await gatewayFor([resetting.url, live.url])

    const get = await gateway.inject({ url: '/api/tickets/abc' })
    expect(get.statusCode).toBe(200)
    expect(resetting.hits()).toBe(1)

    // The resetting instance is now passed over for a while: a fresh balancer for the next cases.
    const again = await gatewayFor([resetting.url, live.url])
    const keyed = await again.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      payload: { n: 1 },
    })
    expect(keyed.statusCode).toBe(200)
    expect(keyed.json()).toMatchObject({ name: 'live', bytes: 7 })
    expect(resetting.hits()).toBe(2)

    const third = await gatewayFor([resetting.url, live.url])
    const unkeyed = await third.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json' },
      payload: { n: 1 },
    })
    expect(unkeyed.statusCode).toBeGreaterThanOrEqual(500)
    expect(resetting.hits()).toBe(3)
    expect(live.seen.filter((seen) => seen.method === 'POST')).toHaveLength(1) // the keyed one only
  })

  it('sends an idempotent request elsewhere on a 503, with none of the first answer’s headers', async () => {
    const [closing, live] = [await bad('503'), await echo('live')]
    const gateway = await gatewayFor([closing.url, live.url])
    const get = await gateway.inject({ url: '/api/tickets' })
    expect(get.statusCode).toBe(200)
    expect(get.headers['x-from']).toBeUndefined()
    expect(closing.hits()).toBe(1)

    const post = await gateway.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json' },
      payload: {},
    })
    expect(post.statusCode).toBe(503)
    expect(live.seen).toHaveLength(1)
  })

  it('sends any request elsewhere when an instance gives Fastify’s closing answer, which no handler saw', async () => {
    const [closing, live] = [await bad('closing'), await echo('live')]
    const gateway = await gatewayFor([closing.url, live.url])
    const post = await gateway.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json' },
      payload: { n: 2 },
    })
    expect(post.statusCode).toBe(200)
    expect(post.json()).toMatchObject({ name: 'live', method: 'POST', bytes: 7 })
    expect(closing.hits()).toBe(1)
  })

  it('tries each instance once, then answers 503 in the common shape', async () => {
    const [closingOne, closingTwo] = [await bad('503'), await bad('503')]
    const gateway = await gatewayFor([closingOne.url, closingTwo.url])
    expect((await gateway.inject({ url: '/api/tickets' })).statusCode).toBe(503)
    expect(closingOne.hits() + closingTwo.hits()).toBe(2)

    const down = await gatewayFor([await refusingUrl(), await refusingUrl()])
    const refused = await down.inject({ url: '/api/tickets' })
    expect(refused.statusCode).toBe(503)
    expect(refused.json()).toHaveProperty('errors')
  })
})

describe('Upstreams', () => {
  it('passes over an instance marked down until its time is up, unless nothing else is left', () => {
    let now = 0
    const upstreams = new Upstreams(['a', 'b', 'c'], () => now)
    upstreams.markDown('b')
    expect([upstreams.pick(), upstreams.pick(), upstreams.pick()]).toEqual(['a', 'c', 'a'])
    expect(upstreams.pick(new Set(['a', 'c']))).toBe('b')
    expect(upstreams.pick(new Set(['a', 'b', 'c']))).toBeUndefined()
    now = 5_000
    expect([upstreams.pick(), upstreams.pick(), upstreams.pick()]).toEqual(['c', 'a', 'b'])
  })
})

describe('the addresses of a service', () => {
  it('are one address or several, comma-separated, each taken as its origin once', () => {
    expect(addresses(' http://127.0.0.1:4002 , http://127.0.0.1:4102/, http://127.0.0.1:4002')).toEqual([
      'http://127.0.0.1:4002',
      'http://127.0.0.1:4102',
    ])
    expect(() => readConfig({ TICKETS_URL: 'http://127.0.0.1:4002,' })).toThrow(/TICKETS_URL/)
    expect(() => readConfig({ TICKETS_URL: '127.0.0.1:4002' })).toThrow(/TICKETS_URL/)
  })
})
