import http from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildGateway } from '../src/app.js'
import { readConfig } from '../src/config.js'
import { echoServer } from './helpers.js'

/**
 * A stand-in for the web client: renders a page slowly and counts its renders, per path. `/cookie` sets a
 * cookie, `/moved` redirects, `/broken` fails; every other path is an HTML page.
 */
async function pageServer() {
  const renders = new Map<string, number>()
  const server = http.createServer((request, response) => {
    const path = request.url!
    const count = (renders.get(path) ?? 0) + 1
    renders.set(path, count)
    setTimeout(() => {
      if (path === '/moved') {
        response.writeHead(307, { location: '/session/refresh', 'content-type': 'text/html' }).end('moved')
        return
      }
      if (path === '/broken') return void response.writeHead(500, { 'content-type': 'text/html' }).end('oops')
      if (path.startsWith('/cookie')) response.setHeader('set-cookie', 'seen=1; Path=/')
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'private, no-cache, no-store, max-age=0, must-revalidate',
      })
      response.end(`<h1>${path} render ${count}</h1>`)
    }, 30)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, renders, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('the micro-cache of anonymous pages', () => {
  let client: Awaited<ReturnType<typeof pageServer>>
  let api: Awaited<ReturnType<typeof echoServer>>
  let gateway: FastifyInstance
  let clock = 1_000_000

  beforeAll(async () => {
    client = await pageServer()
    api = await echoServer('tickets')
    gateway = await buildGateway(
      readConfig({
        AUTH_URL: api.url,
        TICKETS_URL: api.url,
        ORDERS_URL: api.url,
        PAYMENTS_URL: api.url,
        CLIENT_URL: client.url,
      }),
      { logger: false, microCache: { now: () => clock } },
    )
    await gateway.ready()
  })
  afterAll(async () => {
    await gateway.close()
    client.server.close()
    api.server.close()
  })

  const view = (url: string, headers: Record<string, string> = {}) => gateway.inject({ url, headers })
  const renders = (path: string) => client.renders.get(path) ?? 0

  it('renders a page once for everyone who asks within a second, and says so', async () => {
    const first = await view('/')
    expect(first.statusCode).toBe(200)
    expect(first.headers['x-cache']).toBe('MISS')
    const second = await view('/')
    expect(second.headers['x-cache']).toBe('HIT')
    expect(second.body).toBe(first.body)
    expect(second.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id'])
    expect(renders('/')).toBe(1)
  })

  it('serves the page a little stale while one request renders it again, then the new one', async () => {
    await view('/stale')
    clock += 1_500
    const [renderer, waiting] = await Promise.all([view('/stale'), view('/stale')])
    expect([renderer.headers['x-cache'], waiting.headers['x-cache']].sort()).toEqual(['MISS', 'STALE'])
    expect(renders('/stale')).toBe(2)
    const after = await view('/stale')
    expect(after.headers['x-cache']).toBe('HIT')
    expect(after.body).toBe('<h1>/stale render 2</h1>')

    // Too old to serve at all: rendered again, and whoever asks meanwhile waits for that render.
    clock += 2_500
    const crowd = await Promise.all(Array.from({ length: 10 }, () => view('/stale')))
    expect(renders('/stale')).toBe(3)
    expect(new Set(crowd.map((answer) => answer.body))).toEqual(new Set(['<h1>/stale render 3</h1>']))
  })

  it('lets a crowd arriving at once share one render', async () => {
    const crowd = await Promise.all(Array.from({ length: 20 }, () => view('/crowd')))
    expect(renders('/crowd')).toBe(1)
    expect(crowd.filter((answer) => answer.headers['x-cache'] === 'MISS')).toHaveLength(1)
    expect(crowd.every((answer) => answer.statusCode === 200)).toBe(true)
  })

  it.each(['session=abc', 'refresh=def', 'signed_in=1', 'theme=dark; session=abc'])(
    'never serves or keeps a page for a browser with a session (cookie %s)',
    async (cookie) => {
      const path = `/mine-${cookie.length}`
      await view(path)
      const before = renders(path)
      const mine = await view(path, { cookie })
      expect(mine.headers['x-cache']).toBe('BYPASS')
      expect(renders(path)).toBe(before + 1)
    },
  )

  it('keeps pages for visitors whose cookies are not a session', async () => {
    await view('/theme', { cookie: 'theme=dark' })
    expect((await view('/theme', { cookie: 'theme=dark' })).headers['x-cache']).toBe('HIT')
  })

  it.each(['/cookie', '/moved', '/broken'])(
    'never keeps %s (a cookie set, a redirect, an error)',
    async (path) => {
      const answers = [await view(path), await view(path)]
      expect(renders(path)).toBe(2)
      expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(['MISS', 'MISS'])
      if (path === '/cookie') expect(answers[1]!.headers['set-cookie']).toBe('seen=1; Path=/')
    },
  )

  it('sends a crowd waiting on a render it could not keep on their own way at once, not one after another', async () => {
    const crowd = await Promise.all(Array.from({ length: 5 }, () => view('/cookie-crowd')))
    expect(crowd.map((answer) => answer.headers['x-cache']).sort()).toEqual([
      'BYPASS',
      'BYPASS',
      'BYPASS',
      'BYPASS',
      'MISS',
    ])
    expect(renders('/cookie-crowd')).toBe(5)
  })

  it('never caches the API, a Next navigation, or anything but GET', async () => {
    const apiAnswer = await view('/api/tickets')
    expect(apiAnswer.headers['x-cache']).toBeUndefined()
    const navigation = await view('/nav', { rsc: '1' })
    expect(navigation.headers['x-cache']).toBe('BYPASS')
    const head = await gateway.inject({ method: 'HEAD', url: '/nav' })
    expect(head.headers['x-cache']).toBe('BYPASS')
  })
})
