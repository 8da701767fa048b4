import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import cookie from '@fastify/cookie'
import { BODY_LIMIT_BYTES } from './body-limit.js'
import { crossSiteProtection } from './cross-site.js'
import { commonErrorOptions, errorHandler, notFoundHandler } from './error-handler.js'
import { healthRoutes } from './dependencies.js'
import { validatorCompiler } from './validation.js'
import { ServiceMetrics } from '../metrics.js'

/** A request that took this long is logged at info; others at debug (refusals and failures have lines of their own). */
export const SLOW_REQUEST_MS = 500

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's own Prometheus registry and metrics, served by serveMetrics on METRICS_PORT. */
    metrics: ServiceMetrics
  }
}

export type ServiceInstance = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface ServiceOptions {
  /** Appears on every log line as `service`. */
  name: string
  /** Log level and destination, or false for silence. Defaults to info on stdout. */
  logger?: false | { level?: string; stream?: NodeJS.WritableStream }
  /**
   * Whose `X-Forwarded-*` to believe: the gateway or ingress in front of us, on a private network
   * ("loopback,linklocal,uniquelocal"), never an arbitrary client. Off by default.
   */
  trustProxy?: boolean | string
  /** The origins whose pages may send state-changing requests (PUBLIC_URL, ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[]
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * Starts serving on the configured port. The accept queue holds 4,096 connections (the kernel's usual
 * `somaxconn`), not Node's 511: at an on-sale a thousand buyers connect at once (and the gateway opens a
 * connection to the service for each), and a connection the queue has no room for is dropped, its SYN sent
 * again only a second later.
 */
export async function listen(
  app: Pick<FastifyInstance, 'listen'>,
  config: { PORT: number; HOST: string },
): Promise<void> {
  await app.listen({ port: config.PORT, host: config.HOST, backlog: 4096 })
}

/** Keeps the id the gateway gave a request, so one id follows it through every log; otherwise makes one. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
}

function loggerOptions(options: ServiceOptions): FastifyServerOptions['logger'] {
  if (options.logger === false) return false
  return {
    level: options.logger?.level ?? 'info',
    base: { service: options.name },
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
    ...(options.logger?.stream && { stream: options.logger.stream }),
  }
}

/**
 * A Fastify instance set up the way every service wants it: TypeBox types, one error shape, request ids,
 * health routes, security headers and its metrics (`app.metrics`: every request counted by method, route pattern and
 * status; served on a port of their own by runService, not here). It never listens; main.ts does, and tests use
 * inject().
 */
export function buildService(options: ServiceOptions): ServiceInstance {
  const app = Fastify({
    logger: loggerOptions(options),
    genReqId: requestId,
    requestIdHeader: false,
    // One line per request, written when it completes, instead of Fastify's two (received + completed).
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
    ...commonErrorOptions,
  }).withTypeProvider<TypeBoxTypeProvider>()

  const metrics = new ServiceMetrics(options.name)
  app.decorate('metrics', metrics)

  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
  // JSON only: anything else is 415, not a string body a handler might misread.
  app.removeContentTypeParser('text/plain')

  // Handlers in flight, counted from preHandler to the reply (sent, or failed), so close can wait for them.
  const finished = new WeakMap<object, () => void>()
  app.addHook('preHandler', (request, _reply, done) => {
    finished.set(request, app.dependencies.handlerStarted())
    done()
  })
  // A plain callback hook: it runs on every response, and an async one costs a promise each time.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id)
    void reply.header('x-content-type-options', 'nosniff')
    void reply.header('x-frame-options', 'DENY')
    void reply.header('referrer-policy', 'no-referrer')
    // A keep-alive connection busy when close began would otherwise hold the shutdown until it times out.
    if (app.dependencies.closing) void reply.header('connection', 'close')
    finished.get(request)?.()
    done(null, payload)
  })
  app.addHook('onResponse', (request, reply, done) => {
    const { method, url } = request
    // At thousands of requests a second a line for each cost a tenth of a service's CPU: a request is logged
    // at debug, or at info when it was slow. Refused and failed ones the error handler has logged already
    // ("request refused", "request failed"); metrics count them all.
    request.log[reply.elapsedTime >= SLOW_REQUEST_MS ? 'info' : 'debug'](
      { method, url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request done',
    )
    // The route's pattern, never the URL: one series per route whatever ids and query strings come in.
    metrics.httpRequestDuration.observe(
      { method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
    done()
  })
  void app.register(healthRoutes)
  void app.register(cookie)
  void app.register(crossSiteProtection, { allowedOrigins: options.allowedOrigins ?? [] })
  return app
}
