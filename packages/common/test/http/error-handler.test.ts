import { once } from 'node:events'
import net, { type AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildService, ConflictError, defineError, type ServiceInstance } from '../../src/index.js'

class SeatTakenError extends defineError('CONFLICT') {}

/** Captures the JSON log lines the service writes. */
function logSink() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { lines, stream }
}

describe('the error handler', () => {
  const logs = logSink()
  let app: ServiceInstance

  beforeAll(async () => {
    app = buildService({ name: 'test', logger: { level: 'info', stream: logs.stream } })
    app.post(
      '/things',
      {
        schema: {
          body: Type.Object({
            title: Type.String({ minLength: 1, maxLength: 10 }),
            price: Type.Number({ exclusiveMinimum: 0 }),
            ownerEmail: Type.Optional(Type.String({ format: 'email', errorMessage: 'Enter a valid email' })),
          }),
        },
      },
      async (request, reply) => reply.status(201).send(request.body),
    )
    app.get(
      '/things/:id',
      { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
      async (request) => ({ id: request.params.id }),
    )
    app.get(
      '/things',
      {
        schema: {
          querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }),
        },
      },
      async (request) => ({ limit: request.query.limit }),
    )
    app.get('/conflict', async () => {
      throw new SeatTakenError()
    })
    app.get('/conflict-with-message', async () => {
      throw new ConflictError({ message: 'The seat was taken a moment ago' })
    })
    app.get('/crash', async () => {
      throw new Error('connection string postgres://admin:hunter2@db leaked')
    })
    await app.ready()
  })
  afterAll(() => app.close())

  it('answers a valid request normally, ignoring properties it does not know', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { title: 'Concert', price: 19.99, role: 'admin' },
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toEqual({ title: 'Concert', price: 19.99 })
  })

  it('names every invalid field of a body at once', async () => {
    const response = await app.inject({ method: 'POST', url: '/things', payload: { title: '', price: -1 } })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      errors: [
        { message: 'Title must not be empty', field: 'title' },
        { message: 'Price must be greater than 0', field: 'price' },
      ],
    })
  })

  it('names a missing field and uses a message the schema gives', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { title: 'Concert', ownerEmail: 'nope' },
    })
    expect(response.json()).toEqual({
      errors: [
        { message: 'Price is required', field: 'price' },
        { message: 'Enter a valid email', field: 'ownerEmail' },
      ],
    })
  })

  it('does not read a string as a number in a body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { title: 'A', price: '10' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: 'Price must be a number', field: 'price' }] })
  })

  it('does read numbers in a query string, and names a bad one', async () => {
    expect((await app.inject({ url: '/things?limit=10' })).json()).toEqual({ limit: 10 })
    expect((await app.inject({ url: '/things' })).json()).toEqual({ limit: 50 })
    const response = await app.inject({ url: '/things?limit=500' })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: 'Limit must be at most 200', field: 'limit' }] })
  })

  it('answers 404 for a malformed id in the path, as for a missing one', async () => {
    const response = await app.inject({ url: '/things/not-a-uuid' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ errors: [{ message: 'Not found' }] })
  })

  it('answers 404 in the common shape for an unknown route', async () => {
    const response = await app.inject({ method: 'PATCH', url: '/nowhere' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ errors: [{ message: 'Route not found' }] })
  })

  it('renders a registered error with its status and message', async () => {
    const response = await app.inject({ url: '/conflict' })
    expect(response.statusCode).toBe(409)
    expect(response.json()).toEqual({
      errors: [{ message: 'The resource was changed at the same time; try again' }],
    })
    expect((await app.inject({ url: '/conflict-with-message' })).json()).toEqual({
      errors: [{ message: 'The seat was taken a moment ago' }],
    })
  })

  it('answers an unexpected error with 500 and no internals, and logs it with the request id', async () => {
    const response = await app.inject({ url: '/crash', headers: { 'x-request-id': 'req-crash-1' } })
    expect(response.statusCode).toBe(500)
    expect(response.json()).toEqual({ errors: [{ message: 'Something went wrong on our side' }] })
    expect(response.body).not.toContain('hunter2')
    expect(response.headers['x-request-id']).toBe('req-crash-1')
    const logged = logs.lines.find((line) => line.requestId === 'req-crash-1' && line.level === 50)
    expect(logged).toMatchObject({ service: 'test', err: { message: expect.stringContaining('leaked') } })
  })

  it('refuses a body that is not JSON with 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'text/plain' },
      payload: 'title=Concert',
    })
    expect(response.statusCode).toBe(415)
    expect(response.json().errors[0].message).toMatch(/must be JSON/)
  })

  it('refuses malformed JSON with 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{"title": ',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON' }] })
  })

  it('refuses a body over 1 MB with 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { title: 'x'.repeat(1024 * 1024), price: 1 },
    })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toEqual({ errors: [{ message: 'The request body is larger than 1 MB' }] })
  })

  it('refuses a missing body as a body, not as a crash', async () => {
    const response = await app.inject({ method: 'POST', url: '/things' })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: 'The request body must be an object' }] })
  })

  it('sends nosniff and a request id on every response, and no X-Powered-By', async () => {
    const response = await app.inject({ url: '/nowhere' })
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(response.headers['x-powered-by']).toBeUndefined()
  })
})

describe('hostile input', () => {
  let app: ServiceInstance

  beforeAll(async () => {
    app = buildService({ name: 'test', logger: false })
    app.post(
      '/notes',
      {
        schema: {
          body: Type.Object({
            text: Type.String(),
            tags: Type.Optional(Type.Array(Type.String())),
            weight: Type.Optional(Type.Number()),
          }),
        },
      },
      async (request) => request.body,
    )
    app.get(
      '/notes',
      {
        schema: {
          querystring: Type.Object({
            q: Type.Optional(Type.String()),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            near: Type.Optional(Type.Number()),
          }),
        },
      },
      async (request) => request.query,
    )
    app.get(
      '/notes/:id',
      { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
      async (request) => request.params,
    )
    await app.ready()
  })
  afterAll(() => app.close())

  const post = (payload: string) =>
    app.inject({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/json' }, payload })

  it.each([
    ['a NUL', '{"text":"a\\u0000b"}', 'text'],
    ['a lone high surrogate', '{"text":"a\\ud800b"}', 'text'],
    ['a lone low surrogate', '{"text":"\\udc00"}', 'text'],
    ['a NUL in a list', '{"text":"ok","tags":["fine","\\u0000"]}', 'tags.1'],
  ])('refuses a body string with %s as a 400 naming the field', async (_what, payload, field) => {
    const response = await post(payload)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      errors: [{ message: expect.stringContaining('must not contain NUL'), field }],
    })
  })

  it('keeps a well-formed pair of surrogates (an emoji) and ignores hostile text in unknown properties', async () => {
    const response = await post('{"text":"\\ud83c\\udfab","extra":"\\u0000"}')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ text: '🎫' })
  })

  it.each([
    // JSON.parse reads 1e999 as Infinity, which is not a JSON Schema number.
    ['1e999', 'Weight must be a number'],
    ['-1e999', 'Weight must be a number'],
    ['1e300', 'Weight must be between'],
  ])('refuses the body number %s', async (number, message) => {
    const response = await post(`{"text":"a","weight":${number}}`)
    expect(response.statusCode).toBe(400)
    expect(response.json().errors[0]).toEqual({ message: expect.stringContaining(message), field: 'weight' })
  })

  it.each([
    ['q=%00', 'q'],
    ['limit=1e999', 'limit'],
    ['limit=Infinity', 'limit'],
    ['limit=99999999999999999999999', 'limit'],
    ['near=-Infinity', 'near'],
  ])('refuses the query %s as a 400 naming the parameter', async (query, field) => {
    const response = await app.inject({ url: `/notes?${query}` })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ errors: [{ message: expect.any(String), field }] })
  })

  it.each([
    ['an over-long path parameter', `/notes/${'a'.repeat(500)}`, 404, 'Not found'],
    ['a malformed percent-encoding', '/notes/%E0%A4%A', 400, 'The request URL is not valid'],
    ['a lone percent sign', '/notes/%', 400, 'The request URL is not valid'],
    ['an encoded separator', '/notes/a%2Fb', 404, 'Not found'],
  ])('answers %s in the common shape', async (_what, url, status, message) => {
    const response = await app.inject({ url })
    expect(response.statusCode).toBe(status)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.json()).toEqual({ errors: [{ message }] })
  })

  it('answers an empty JSON body, and one of another charset, in the common shape', async () => {
    const empty = await post('')
    expect(empty.statusCode).toBe(400)
    expect(empty.json()).toEqual({ errors: [{ message: 'The request body is not valid JSON' }] })
    const unknownType = await app.inject({
      method: 'POST',
      url: '/notes',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'text=a',
    })
    expect(unknownType.statusCode).toBe(415)
    expect(unknownType.json().errors).toHaveLength(1)
  })

  it.each([
    ['a header too large', `GET /notes HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['an invalid header name', 'GET /notes HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 400],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
    ['a URL too long', `GET /notes?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
  ])('answers %s that Node cannot parse in the common shape', async (_what, request, status) => {
    await app.listen({ port: 0, host: '127.0.0.1' }).catch(() => undefined)
    const { port } = app.server.address() as AddressInfo
    const answer = await rawExchange(port, request)
    const [head = '', body = ''] = answer.split('\r\n\r\n')
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
    expect(head).toMatch(/content-type: application\/json/i)
    expect(JSON.parse(body)).toEqual({ errors: [{ message: expect.any(String) }] })
  })
})

/** Writes bytes to the server as they are, and reads whatever it answers until it closes. */
async function rawExchange(port: number, request: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.write(request)
  let answer = ''
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
  await once(socket, 'close')
  return answer
}
