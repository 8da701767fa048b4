import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type ErrorItem } from '../errors/app-error.js'
import { errorRegistry, type ErrorCode } from '../errors/registry.js'
import { validationItems } from './validation.js'

interface Rendered {
  status: number
  code: ErrorCode
  items: readonly ErrorItem[]
}

/** Fastify's own 4xx errors, named by their codes, mapped onto ours. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  // The gateway's proxy (@fastify/reply-from), when a service is down or slow.
  FST_REPLY_FROM_SERVICE_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  FST_REPLY_FROM_BAD_GATEWAY: 'UPSTREAM_UNAVAILABLE',
  ECONNREFUSED: 'UPSTREAM_UNAVAILABLE',
  ECONNRESET: 'UPSTREAM_UNAVAILABLE',
  ENOTFOUND: 'UPSTREAM_UNAVAILABLE',
  FST_REPLY_FROM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  FST_REPLY_FROM_GATEWAY_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'UPSTREAM_TIMEOUT',
}

function registered(code: ErrorCode, items?: readonly ErrorItem[]): Rendered {
  const spec = errorRegistry[code]
  return { status: spec.status, code, items: items ?? [{ message: spec.message }] }
}

function render(error: unknown): Rendered {
  if (error instanceof AppError) return { status: error.statusCode, code: error.code, items: error.items }
  const fastifyError = error as Partial<FastifyError>
  if (fastifyError.validation) {
    // A malformed id in a path names no resource: 404, as for an id that does not exist.
    if (fastifyError.validationContext === 'params') return registered('NOT_FOUND')
    return registered(
      'VALIDATION_FAILED',
      validationItems(fastifyError.validation as never, fastifyError.validationContext ?? 'body'),
    )
  }
  // The proxy wraps a refused connection in its own error: the cause says what happened.
  const causeCode = (fastifyError.cause as { code?: string } | undefined)?.code
  const mapped =
    (fastifyError.code && fastifyCodes[fastifyError.code]) || (causeCode && fastifyCodes[causeCode])
  if (mapped) return registered(mapped)
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
    return registered('INVALID_JSON')
  }
  return registered('INTERNAL')
}

/** The one place where a failure becomes HTTP: `{ errors: [{ message, field? }] }`, internals never shown. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, code, items } = render(error)
  if (status >= 500) request.log.error({ err: error, code }, 'request failed')
  else request.log.info({ code, status }, 'request refused')
  if (error instanceof AppError) void reply.headers(error.headers)
  return reply.status(status).send({ errors: items })
}

export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({ errors: [{ message: errorRegistry.ROUTE_NOT_FOUND.message }] })
}
