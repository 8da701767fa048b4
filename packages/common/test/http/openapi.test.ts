import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AppError,
  buildService,
  documentApi,
  registeredRoutes,
  ValidationError,
  type ServiceInstance,
} from '../../src/index.js'

const Thing = Type.Object({
  id: Type.String(),
  note: Type.Optional(Type.String()),
  at: Type.String(),
  owner: Type.Union([Type.String(), Type.Null()]),
})

describe('documentApi', () => {
  let app: ServiceInstance

  beforeAll(async () => {
    app = buildService({ name: 'test', logger: false })
    documentApi(app, { service: 'test', prefixes: ['/api/things'] })
    await app.register(
      async (routes: ServiceInstance) => {
        routes.get(
          '/:id',
          {
            schema: {
              params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
              response: { 200: Thing },
              errors: ['NOT_SIGNED_IN'],
            },
          },
          async (request) => ({
            id: request.params.id,
            at: new Date(0).toISOString(),
            owner: null,
            ...(request.headers['x-note'] && { note: String(request.headers['x-note']) }),
          }),
        )
        routes.post(
          '/',
          { schema: { body: Type.Object({ title: Type.String() }), errors: ['RATE_LIMITED'] } },
          async (request) => {
            if (request.body.title === 'slow down') {
              throw new AppError('RATE_LIMITED', { headers: { 'retry-after': '7' } })
            }
            throw new ValidationError([{ field: 'title', message: 'Title is taken' }])
          },
        )
      },
      { prefix: '/api/things' },
    )
    await app.ready()
  })
  afterAll(() => app.close())

  it('serves the document under the first API path, with each error status in the common shape', async () => {
    const response = await app.inject({ url: '/api/things/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json()
    expect(Object.keys(document.paths)).toEqual(['/api/things/{id}', '/api/things'])
    const get = document.paths['/api/things/{id}'].get
    expect(Object.keys(get.responses)).toEqual(['200', '400', '401', '404', '503'])
    expect(get.security).toEqual([{ session: [] }])
    expect(Object.keys(get.responses['404'].content['application/json'].examples)).toEqual(['NOT_FOUND'])
    const post = document.paths['/api/things'].post
    expect(Object.keys(post.responses).sort()).toEqual(['400', '403', '413', '415', '429', '503'])
    expect(Object.keys(post.responses['400'].content['application/json'].examples)).toEqual([
      'INVALID_JSON',
      'INVALID_URL',
      'VALIDATION_FAILED',
    ])
    expect(post.responses['429'].headers['retry-after']).toMatchObject({ schema: { type: 'integer' } })
  })

  it('lists every route registered, the hidden ones too', () => {
    const routes = registeredRoutes(app).map(({ method, url }) => `${method} ${url}`)
    expect(routes).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /readyz', 'GET /api/things/:id', 'POST /api/things']),
    )
  })

  it('changes nothing that is sent: optional and null fields, dates as strings, errors with their field', async () => {
    const id = '6f1c2f57-6a8b-4c55-9a55-2d1e2bde1c11'
    const plain = await app.inject({ url: `/api/things/${id}` })
    expect(plain.json()).toStrictEqual({ id, at: '1970-01-01T00:00:00.000Z', owner: null })
    const noted = await app.inject({ url: `/api/things/${id}`, headers: { 'x-note': 'hi' } })
    expect(noted.json()).toStrictEqual({ id, at: '1970-01-01T00:00:00.000Z', owner: null, note: 'hi' })

    const invalid = await app.inject({ method: 'POST', url: '/api/things', payload: { title: 'x' } })
    expect(invalid.statusCode).toBe(400)
    expect(invalid.json()).toStrictEqual({ errors: [{ field: 'title', message: 'Title is taken' }] })
    const limited = await app.inject({ method: 'POST', url: '/api/things', payload: { title: 'slow down' } })
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBe('7')
    expect(limited.json()).toStrictEqual({ errors: [{ message: 'Too many requests; try again later' }] })
    const malformed = await app.inject({ url: '/api/things/not-an-id' })
    expect(malformed.statusCode).toBe(404)
    expect(malformed.json()).toStrictEqual({ errors: [{ message: 'Not found' }] })
  })
})
