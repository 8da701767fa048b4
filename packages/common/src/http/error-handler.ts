import { STATUS_CODES, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify'
import { AppError, type ErrorItem } from '../errors/app-error.js'
import { errorRegistry, type ErrorCode } from '../errors/registry.js'
import { validationItems } from './validation.js'

interface Rendered {
  status: number
  code: ErrorCode
  items: readonly ErrorItem[]
}

/** Errors of Fastify, its plugins and the proxy's HTTP client, named by their codes, mapped onto ours. */
const knownCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  // Malformed percent-encoding in the path.
  FST_ERR_BAD_URL: 'INVALID_URL',
  // A path segment longer than any id names nothing: 404, as a malformed id does (DESIGN §3).
  FST_ERR_MAX_PARAM_LENGTH: 'NOT_FOUND',
  // The gateway's proxy (@fastify/reply-from), when a service is down, hangs up or is slow.
  FST_REPLY_FROM_SERVICE_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  FST_REPLY_FROM_BAD_GATEWAY: 'UPSTREAM_UNAVAILABLE',
  ECONNREFUSED: 'UPSTREAM_UNAVAILABLE',
  ECONNRESET: 'UPSTREAM_UNAVAILABLE',
  EPIPE: 'UPSTREAM_UNAVAILABLE',
  ENOTFOUND: 'UPSTREAM_UNAVAILABLE',
  UND_ERR_SOCKET: 'UPSTREAM_UNAVAILABLE',
  FST_REPLY_FROM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  FST_REPLY_FROM_GATEWAY_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'UPSTREAM_TIMEOUT',
}

/**
 * Any other client error a library raises, by its status: whatever its own body would have said, the caller
 * gets ours. A 4xx the table does not know is still the caller's fault, so it stays a 400, never a 500.
 */
const codeOfStatus: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'BODY_TOO_LARGE',
  414: 'INVALID_URL',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  431: 'HEADERS_TOO_LARGE',
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
  // The proxy wraps a refused connection, or our own refusal of a body it was streaming, in its own error:
  // the cause says what happened.
  if (fastifyError.cause instanceof AppError) return render(fastifyError.cause)
  const causeCode = (fastifyError.cause as { code?: string } | undefined)?.code
  const mapped = (fastifyError.code && knownCodes[fastifyError.code]) || (causeCode && knownCodes[causeCode])
  if (mapped) return registered(mapped)
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
    return registered('INVALID_JSON')
  }
  const status = fastifyError.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return registered(codeOfStatus[status] ?? 'VALIDATION_FAILED')
  }
  return registered('INTERNAL')
}

/** The one place where a failure becomes HTTP: `{ errors: [{ message, field? }] }`, internals never shown. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, code, items } = render(error)
  // A refusal is the API doing its job (a sold ticket, a wrong password), thousands a second in an on-sale
  // rush: at debug, like every request. A rate limit reached is worth an operator's eye.
  if (status >= 500) request.log.error({ err: error, code }, 'request failed')
  else request.log[status === 429 ? 'info' : 'debug']({ code, status }, 'request refused')
  if (error instanceof AppError) void reply.headers(error.headers)
  return reply.status(status).send({ errors: items })
}

export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({ errors: [{ message: errorRegistry.ROUTE_NOT_FOUND.message }] })
}

/** Node's HTTP parser's errors, before there is a request to answer: by their codes. */
function clientErrorCode(error: { code?: string }): ErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE'
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT'
  return 'MALFORMED_REQUEST'
}

/**
 * Answers a request Node could not even parse (a header too large, an invalid header character, a request
 * line that is not HTTP) in the common shape, then closes the connection, whose state is unknown.
 */
function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const code = clientErrorCode(error)
  const { status, message } = errorRegistry[code]
  this.log.info({ code, status, parserError: error.code }, 'request refused')
  if (socket.writable) {
    const body = JSON.stringify({ errors: [{ message }] })
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    )
  }
  socket.destroy(error)
}

/**
 * Fastify options that route every error Fastify answers by itself (before a route's error handler could
 * see it: a malformed URL, an over-long path parameter, an unparseable request) through ours. Spread into
 * the options of every Fastify server we run, services and gateway alike.
 */
export const commonErrorOptions: Pick<
  FastifyServerOptions<Server>,
  'frameworkErrors' | 'clientErrorHandler'
> = {
  frameworkErrors: (error, request, reply) => void errorHandler(error, request, reply),
  clientErrorHandler,
}
