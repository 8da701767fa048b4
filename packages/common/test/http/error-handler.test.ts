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
