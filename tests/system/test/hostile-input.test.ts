import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ApiClient } from '@ticketing/stack'
import { startTestStack, type TestStack } from '../src/test-stack.js'

// What a hostile client sends, through the gateway, to the whole marketplace as `npm start` runs it. Every
// answer must be in the common error shape with the status DESIGN §3 gives it, never a 5xx, and nothing
// refused may have been written. Sign-ins share a budget per client address; a small one makes the
// X-Forwarded-For check observable.
const ENTRY_LIMIT = 12

let stack: TestStack
let seller: ApiClient & { id: string }

beforeAll(async () => {
  stack = await startTestStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: String(ENTRY_LIMIT) } })
  seller = await stack.signUp()
}, 180_000)

afterAll(async () => {
  await stack?.cleanup()
}, 60_000)

interface Answer {
  status: number
  contentType: string
  body: unknown
}

/** A request sent as given: its body as raw text, the seller's session unless told otherwise. */
async function send(
  method: string,
  path: string,
  options: {
    body?: string | Buffer
    contentType?: string
    signedIn?: boolean
    headers?: Record<string, string>
  } = {},
): Promise<Answer> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      ...(options.contentType !== undefined && { 'content-type': options.contentType }),
      ...(options.signedIn !== false && { cookie: `session=${seller.cookie('session')}` }),
      ...options.headers,
    },
    body: options.body,
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON: the assertion on the shape says so.
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body }
}

/** Bytes on the wire exactly as written, for what fetch would normalise or refuse to send. */
async function sendRaw(request: string): Promise<Answer> {
  const socket = connect(Number(new URL(stack.url).port), '127.0.0.1')
  await once(socket, 'connect')
  let answer = ''
  // Until the whole answer is in: the gateway may keep the connection open for another request (nginx does).
  const whole = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString()
      const [head, body] = answer.split('\r\n\r\n')
      const length = /content-length: (\d+)/i.exec(head ?? '')?.[1]
      if (length !== undefined && body !== undefined && Buffer.byteLength(body) >= Number(length)) resolve()
    })
    socket.on('close', () => resolve())
  })
  socket.write(request)
  await whole
  socket.destroy()
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    contentType: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
    body: JSON.parse(body) as unknown,
  }
}

const json = (value: unknown) => JSON.stringify(value)

function expectRefused(answer: Answer, status: number, field?: string) {
  expect(answer.status, json(answer.body)).toBe(status)
  expect(answer.contentType).toMatch(/^application\/json/)
  const item = field === undefined ? { message: expect.any(String) } : { message: expect.any(String), field }
  expect(answer.body).toEqual({ errors: [item] })
}

async function sellerListings(): Promise<unknown[]> {
  const listed = await send('GET', `/api/tickets?userId=${seller.id}`)
  return listed.body as unknown[]
}

describe('hostile input through the gateway', { timeout: 60_000 }, () => {
  test('an unknown /api route is a JSON 404 from the gateway, whatever the method', async () => {
    for (const [method, path] of [
      ['GET', '/api/nowhere'],
      ['POST', '/api/eventz'],
      ['DELETE', '/api'],
      ['GET', '/api/userz/currentuser'],
    ] as const) {
      expectRefused(await send(method, path, { signedIn: false }), 404)
    }
  })

  test('paths that hide a separator, climb out or cannot be decoded are 400 at the gateway', async () => {
    for (const path of [
      '/api/tickets/a%2Fb',
      '/api/tickets/..%2F..%2Fusers%2Fcurrentuser',
      '/api/tickets/a%5Cb',
      '/api/tickets/%00',
      '/api/tickets/%E0%A4%A',
      '/api/tickets/%',
      `/api/tickets?q=${'a'.repeat(9000)}`,
    ]) {
      expectRefused(await send('GET', path), 400)
    }
    // fetch resolves dot segments before sending; a hostile client does not.
    for (const path of ['/api/tickets/../users/currentuser', '/api/tickets/%2e%2e/users/currentuser']) {
      expectRefused(await sendRaw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 400)
    }
  })

  test('requests Node cannot parse are answered in the common shape', async () => {
    const huge = `GET /api/tickets HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`
    expectRefused(await sendRaw(huge), 431)
    expectRefused(await sendRaw('GET /api/tickets HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'), 400)
  })

  test('a malformed or over-long id in a path is 404, as a missing one is', async () => {
    for (const id of ['not-a-uuid', 'a'.repeat(300), '0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11']) {
      expectRefused(await send('GET', `/api/tickets/${id}`), 404)
      expectRefused(await send('GET', `/api/orders/${id}`), 404)
    }
  })

  test('bodies that are not JSON, not valid JSON, empty or over 1 MB get 415, 400 and 413', async () => {
    const post = (body: string | Buffer, contentType?: string) =>
      send('POST', '/api/tickets', { body, contentType })
    expectRefused(await post('title=Show&price=10', 'text/plain'), 415)
    expectRefused(await post('title=Show&price=10', 'application/x-www-form-urlencoded'), 415)
    expectRefused(await post('{"title": "Show", ', 'application/json'), 400)
    expectRefused(await post('', 'application/json'), 400)
    expectRefused(
      await post('{"__proto__": {"admin": true}, "title": "Show", "price": 10}', 'application/json'),
      400,
    )
    const large = json({ title: 'x'.repeat(1024 * 1024), price: 10 })
    expectRefused(await post(large, 'application/json'), 413)
    // The same through a service that answers before reading it (orders needs a sign-in first).
    const unsigned = await send('POST', '/api/orders', {
      body: large,
      contentType: 'application/json',
      signedIn: false,
    })
    expect([401, 413]).toContain(unsigned.status)
    expect(unsigned.body).toEqual({ errors: [{ message: expect.any(String) }] })
    expect(await sellerListings()).toEqual([])
  })

  test('text PostgreSQL cannot store is 400 on its field, in a body or a query, and nothing is written', async () => {
    const post = (raw: string) => send('POST', '/api/tickets', { body: raw, contentType: 'application/json' })
    expectRefused(await post('{"title": "Show\\u0000", "price": 10}'), 400, 'title')
    expectRefused(await post('{"title": "Show \\ud800", "price": 10}'), 400, 'title')
    expectRefused(await send('GET', '/api/tickets?q=%00'), 400, 'q')
    expectRefused(
      await send('POST', '/api/users/signup', {
        body: '{"email": "a\\u0000@example.com", "password": "correct horse battery"}',
        contentType: 'application/json',
        signedIn: false,
      }),
      400,
      'email',
    )
    expectRefused(
      await send('POST', '/api/payments', {
        body: '{"orderId": "0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11", "token": "tok_\\u0000"}',
        contentType: 'application/json',
      }),
      400,
      'token',
    )
    expect(await sellerListings()).toEqual([])
  })

  test('numbers that are not finite, too small or too large are 400 on their field', async () => {
    const post = (raw: string) => send('POST', '/api/tickets', { body: raw, contentType: 'application/json' })
    expectRefused(await post('{"title": "Show", "price": 1e999}'), 400, 'price')
    expectRefused(await post('{"title": "Show", "price": -1e999}'), 400, 'price')
    expectRefused(await post('{"title": "Show", "price": 1e-9}'), 400, 'price')
    expectRefused(await post('{"title": "Show", "price": 1e300}'), 400, 'price')
    expectRefused(await post('{"title": "Show", "price": "10"}'), 400, 'price')
    for (const limit of ['1e999', 'Infinity', '-1', '99999999999999999999999', 'NaN']) {
      expectRefused(await send('GET', `/api/tickets?limit=${limit}`), 400, 'limit')
    }
    expect(await sellerListings()).toEqual([])
  })

  test('a crafted page cursor is 400 on cursor, never a database error', async () => {
    const crafted = (value: unknown) => Buffer.from(json(value)).toString('base64url')
    for (const cursor of [
      crafted(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
      crafted(['+275760-09-13T00:00:00.000Z', '0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11']),
      crafted({ id: 1 }),
      'bm90IGpzb24',
    ]) {
      expectRefused(await send('GET', `/api/tickets?cursor=${cursor}`), 400, 'cursor')
      expectRefused(await send('GET', `/api/orders?cursor=${cursor}`), 400, 'cursor')
    }
  })

  test('a client cannot choose its address with X-Forwarded-For: sign-ins share the budget of the socket', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < ENTRY_LIMIT + 2; attempt++) {
      const answer = await send('POST', '/api/users/signin', {
        body: json({ email: `nobody${attempt}@example.com`, password: 'wrong password' }),
        contentType: 'application/json',
        signedIn: false,
        headers: { 'x-forwarded-for': `198.51.100.${attempt + 1}` },
      })
      statuses.push(answer.status)
      expect(answer.body).toEqual({ errors: [expect.objectContaining({ message: expect.any(String) })] })
    }
    expect(statuses).toContain(429)
    expect(statuses.every((status) => status < 500)).toBe(true)
  })
})
