import swagger from '@fastify/swagger'
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import Type, { type TSchema } from 'typebox'
import { errorRegistry, type ErrorCode } from '../errors/registry.js'
import { serviceNames, services, type ServiceName } from '../services.js'

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The errors this route answers beyond those that its method and schemas bring by themselves (see
     * `requestErrors`): each is documented under its status, named by its code.
     */
    errors?: readonly ErrorCode[]
    /** The route reads its body as the bytes that came (a signature covers them): malformed JSON is not a 400. */
    rawBody?: boolean
  }
}

/** The one error shape of DESIGN §3, as every service and the gateway send it. */
export const ErrorResponse = Type.Object({
  errors: Type.Array(
    Type.Object({
      message: Type.String(),
      /** The request property at fault, for validation errors. */
      field: Type.Optional(Type.String()),
    }),
    { minItems: 1 },
  ),
})

/** What each status means, as DESIGN §3 says: the description of a documented error response. */
const statusMeaning: Record<number, string> = {
  400: 'Invalid input, or a business rule refuses it',
  401: 'Not signed in, the session is over, or it belongs to someone else',
  402: 'The card was declined',
  403: 'Signed in but not allowed, or a request from another site',
  404: 'No such resource (a malformed id included)',
  409: 'Changed at the same time by another request; retrying may succeed',
  413: 'The body is over 1 MB',
  415: 'The body is not JSON',
  429: 'Too many requests; wait as long as Retry-After says',
  503: 'Unavailable for a moment; nothing was done',
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The errors Fastify and the common kit answer before a handler runs, from the route's method and schemas:
 * a state-changing request may come from another site (403) and brings a body that may be too large, not JSON
 * or malformed; a validated query, body or header may be invalid (400); a path id that does not parse names
 * nothing (404). Any request may have a malformed URL (400), and one with a session waits for the replayed
 * revocation list, which a just-started instance may not have yet (503).
 */
export function requestErrors(route: Pick<RouteOptions, 'method' | 'schema'>): ErrorCode[] {
  const methods = [route.method].flat()
  const schema = route.schema ?? {}
  const codes: ErrorCode[] = ['INVALID_URL', 'NOT_READY']
  if (methods.some((method) => STATE_CHANGING.has(method))) {
    codes.push('CROSS_SITE_REQUEST', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED')
    if (!schema.rawBody) codes.push('INVALID_JSON')
  }
  if (schema.body || schema.querystring || schema.headers) codes.push('VALIDATION_FAILED')
  if (schema.params) codes.push('NOT_FOUND')
  return codes
}

/**
 * The response documented for one status: the common error shape, with one example per code (named by the
 * code, its default message as summary), which is how tests and readers learn which codes a route answers.
 */
export function errorResponse(codes: readonly ErrorCode[]): TSchema {
  const status = errorRegistry[codes[0]!].status
  const examples = Object.fromEntries(
    [...new Set(codes)].sort().map((code) => {
      const { message } = errorRegistry[code]
      return [code, { summary: message, value: { errors: [{ message }] } }]
    }),
  )
  return {
    ...ErrorResponse,
    description: statusMeaning[status] ?? `Status ${status}`,
    'x-examples': examples,
    ...(status === 429 && {
      headers: {
        'retry-after': Type.Integer({ minimum: 1, description: 'Seconds to wait before trying again' }),
      },
    }),
  }
}

/** A route's own and its kind's errors, grouped by status: the error half of `schema.response`. */
function errorResponses(codes: readonly ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of codes) {
    const { status } = errorRegistry[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  return Object.fromEntries([...byStatus].map(([status, group]) => [status, errorResponse(group)]))
}

/** Where a service serves its document: under its first API path, so the gateway routes it like the rest. */
export function openApiPath(prefixes: readonly string[]): string {
  return `${prefixes[0]}/openapi.json`
}

/** Every service with an API, and where its document is (`/api/users/openapi.json` …), from the table of parts. */
export function openApiDocuments(): { service: ServiceName; path: string }[] {
  return serviceNames
    .filter((service) => services[service].routes.length > 0)
    .map((service) => ({ service, path: openApiPath(services[service].routes) }))
}

/**
 * A query parameter with a default (`?limit`, 50) is required by its schema, so that the handler's type has
 * it, yet a client may leave it out: the document says so.
 */
function withOptionalDefaults(schema: FastifySchema): FastifySchema {
  const query = schema.querystring as {
    properties?: Record<string, { default?: unknown }>
    required?: string[]
  }
  if (!query?.properties || !query.required) return schema
  const required = query.required.filter((name) => query.properties![name]?.default === undefined)
  return { ...schema, querystring: { ...query, required } }
}

export interface OpenApiOptions {
  /** Names the document: "Ticketing auth API". */
  service: string
  /** The API paths the gateway routes to the service (the table of parts); the document describes these only. */
  prefixes: readonly string[]
}

/** Every route an app registered, HEAD included, as its onRoute hooks saw them. */
export interface RegisteredRoute {
  method: string
  url: string
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>()

/** The routes of an app built with `documentApi`: what its OpenAPI document must describe, or say it hides. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  const routes = registered.get(app)
  if (!routes) throw new Error('this app was not built with documentApi')
  return routes
}

/**
 * Describes a service's API in an OpenAPI 3.1 document generated from its route schemas (@fastify/swagger),
 * served at `<first prefix>/openapi.json`. Each route's error responses are completed from the errors it
 * declares (`schema.errors`) and those of its kind, in the common shape; routes outside the service's API
 * paths (health, metrics), which the gateway does not route, are left out. Call it on the root instance
 * before any route is registered.
 */
export function documentApi(app: FastifyInstance, options: OpenApiOptions): void {
  if (options.prefixes.length === 0) throw new Error(`${options.service} has no API paths to document`)
  const routes: RegisteredRoute[] = []
  registered.set(app, routes)
  const isPublic = (url: string) =>
    options.prefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))

  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
    const schema = route.schema ?? {}
    if (!isPublic(route.url) || schema.hide) {
      route.schema = { ...schema, hide: true }
      return
    }
    const codes = [...(schema.errors ?? []), ...requestErrors(route)]
    const response = { ...(schema.response as Record<number, unknown> | undefined) }
    for (const [status, errors] of Object.entries(errorResponses(codes))) {
      if (response[Number(status)])
        throw new Error(`${route.url}: status ${status} is both a success and an error`)
      response[Number(status)] = errors
    }
    route.schema = {
      ...schema,
      response,
      ...(!schema.security && codes.includes('NOT_SIGNED_IN') && { security: [{ session: [] }] }),
    }
  })

  void app.register(
    fp(async (instance: FastifyInstance) => {
      await instance.register(swagger, {
        // A prefix's own route is answered at `/api/users` and `/api/users/`: documented as clients call it.
        transform: ({ schema, url }) => ({
          schema: withOptionalDefaults(schema),
          url: url.length > 1 ? url.replace(/\/$/, '') : url,
        }),
        openapi: {
          openapi: '3.1.0',
          info: {
            title: `Ticketing ${options.service} API`,
            version: '1',
            description:
              'Every error is `{ "errors": [ { "message", "field"? } ] }` with `content-type: application/json`; ' +
              "each error response's examples are named by the error's code (docs/errors.md).",
          },
          components: {
            securitySchemes: {
              session: {
                type: 'apiKey',
                in: 'cookie',
                name: 'session',
                description: 'The access token, set by sign-up, sign-in and refresh',
              },
              refresh: {
                type: 'apiKey',
                in: 'cookie',
                name: 'refresh',
                description: 'The refresh token (Path=/api/users), set with the session',
              },
            },
          },
        },
      })
      instance.get(openApiPath(options.prefixes), { schema: { hide: true } }, async () => instance.swagger())
    }),
  )
}
