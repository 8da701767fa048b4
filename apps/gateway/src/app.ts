import type { IncomingHttpHeaders } from 'node:http'
import { Readable, Transform } from 'node:stream'
import proxy from '@fastify/http-proxy'
import {
  AppError,
  BODY_LIMIT_BYTES,
  commonErrorOptions,
  errorHandler,
  notFoundHandler,
  requestId,
  SLOW_REQUEST_MS,
} from '@ticketing/common'
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerBase,
  type RequestGenericInterface,
} from 'fastify'
import { routesOf, trustedProxies, type Config } from './config.js'
import { MicroCache, type Lookup, type MicroCacheOptions } from './micro-cache.js'
import { requestTargetProblem } from './request-target.js'
import { isIdempotent, RETRY_DEADLINE_MS, unreachable, Upstreams } from './upstreams.js'

/** Headers by which a client could claim an address or origin of its choosing; we say who asked instead. */
const CLIENT_CLAIMS = ['forwarded', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']

/**
 * The headers a service behind us sees: the browser's (cookies included), who asked and how
 * (X-Forwarded-For/-Host/-Proto, as an ingress sets them), and the request id every log line will carry.
 * Who asked is the socket's address, or what a proxy named in TRUST_PROXY said (Fastify's `request.ip`
 * walks X-Forwarded-For back through trusted proxies only): never a client's own X-Forwarded-For, which
 * the services would otherwise believe, since we are the proxy they trust.
 */
function forwardedHeaders(
  request: FastifyRequest<RequestGenericInterface, RawServerBase>,
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const forwarded = { ...headers }
  for (const claim of CLIENT_CLAIMS) delete forwarded[claim]
  return {
    ...forwarded,
    'x-request-id': request.id,
    'x-forwarded-for': request.ip,
    'x-forwarded-host': request.host,
    'x-forwarded-proto': request.protocol,
  }
}

const isApi = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')

/**
 * A streamed API body, failed once it passes the limit every service holds to. A service refuses such a body
 * itself, but it answers 413 and closes the connection while we are still sending, and its answer is lost
 * in the reset (the proxy saw EPIPE and answered 500): so the gateway counts, and answers 413 itself.
 */
function limited(body: Readable): Readable {
  let bytes = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      if (bytes <= BODY_LIMIT_BYTES) return done(null, chunk)
      // The rest of the body is read and dropped, not left unread: a connection closed with unread data is
      // reset, and the client might then lose our answer just as we lost the service's.
      body.unpipe(counter)
      body.resume()
      done(new AppError('BODY_TOO_LARGE'))
    },
  })
  body.once('error', (error) => counter.destroy(error))
  return body.pipe(counter)
}

/** The whole of a (limited) body, so that it can be sent again to another instance. */
async function collected(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * Fastify's answer on a connection to a service that has begun to close (`return503OnClosing`): given before
 * any hook or handler runs, so nothing was done and any request may go to another instance. (The services'
 * own 503s are in the common shape, and may come from a handler that ran.)
 */
export const CLOSING_ANSWER =
  '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}'

/** API bodies held whole, for a request that may be sent to a second instance. */
const heldBodies = new WeakMap<FastifyRequest, Buffer>()

type ProxyHandler = (request: FastifyRequest, reply: FastifyReply, dest: string, options: object) => unknown

/**
 * Sends a request to one instance of the route's service and, when that instance cannot take it, to another
 * (the retry budget in README.md): each instance at most once, none started after RETRY_DEADLINE_MS, and
 * only when the first attempt cannot have had an effect, or the request is idempotent:
 * - connection refused, or Fastify's closing answer (CLOSING_ANSWER): never handled, any request goes
 *   elsewhere;
 * - connection reset before an answer, or a 503 (not ready, or closing): GET/HEAD, or a request with an
 *   Idempotency-Key, goes elsewhere; any other request gets the error, since it may have been handled.
 * reply-from's own retries are turned off: this is the only retry.
 */
function balanced(upstreams: Upstreams): ProxyHandler {
  return (request, reply, dest, options) => {
    const started = Date.now()
    const tried = new Set<string>()
    const idempotent = isIdempotent(request)
    const held = heldBodies.get(request)
    const mayRetry = () => tried.size < upstreams.urls.length && Date.now() - started < RETRY_DEADLINE_MS

    const attempt = (): FastifyReply => {
      const upstream = upstreams.pick(tried)!
      tried.add(upstream)
      if (held) request.body = Readable.from([held], { objectMode: false })
      return reply.from(dest, {
        ...options,
        getUpstream: () => upstream,
        retryDelay: () => null,
        onError: (reply, { error }) => {
          const how = unreachable(error)
          if (how) upstreams.markDown(upstream)
          if (how && (how === 'refused' || idempotent) && mayRetry() && !reply.sent) {
            request.log.warn({ upstream, how }, 'instance unreachable: trying another')
            attempt()
            return
          }
          void reply.send(error)
        },
        onResponse: (request, reply, response) => {
          // Its headers were copied onto our reply already; the next instance's answer brings its own.
          const { headers } = response as unknown as { headers: Record<string, unknown> }
          const retry = () => {
            request.log.warn({ upstream }, 'instance not ready or closing: trying another')
            for (const name of Object.keys(headers)) reply.removeHeader(name)
            attempt()
          }
          if (response.statusCode !== 503 || !mayRetry()) return void reply.send(response.stream)
          if (idempotent) {
            response.stream.resume()
            return retry()
          }
          if (headers['content-length'] !== String(CLOSING_ANSWER.length)) {
            return void reply.send(response.stream)
          }
          // Perhaps the closing answer: 80 bytes, read to tell.
          collected(response.stream).then(
            (body) => (body.toString() === CLOSING_ANSWER ? retry() : void reply.send(body)),
            (error: Error) => void reply.send(error),
          )
        },
      })
    }
    return attempt()
  }
}

/**
 * The local gateway: routes as the ingress does, streaming bodies both ways. It is not a service: no
 * database, no authentication and no origin check of its own (each service does those), and it never parses
 * a body. What it cannot route (a hostile path, an unknown `/api` route, a body over the services' limit)
 * it answers itself, in the common error shape; a service that does not answer is a 503 in that shape.
 */
export async function buildGateway(
  config: Config,
  options: { logger?: false; microCache?: false | MicroCacheOptions } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: config.LOG_LEVEL, base: { service: 'gateway' } },
    genReqId: requestId,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trustedProxies(config),
    ...commonErrorOptions,
  })
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id)
    void reply.header('x-content-type-options', 'nosniff')
  })
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }))
  // One line per request, at debug or, when slow, at info, as every service logs (the error handler has logged
  // what the gateway refused itself); the proxy's own chatter stays below the routes' log level.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.url !== '/healthz') {
      const { method, url } = request
      app.log[reply.elapsedTime >= SLOW_REQUEST_MS ? 'info' : 'debug'](
        {
          requestId: request.id,
          method,
          url,
          statusCode: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request done',
      )
    }
    done()
  })

  app.addHook('onRequest', async (request) => {
    const problem = requestTargetProblem(request.url)
    if (problem) throw new AppError('INVALID_URL', { message: problem })
    if (isApi(request.url) && Number(request.headers['content-length']) > BODY_LIMIT_BYTES) {
      throw new AppError('BODY_TOO_LARGE')
    }
  })
  // Anonymous page views, from memory for a second or two (decision 18); never an API request.
  const cache = options.microCache === false ? undefined : new MicroCache(options.microCache)
  const lookups = new WeakMap<FastifyRequest, Lookup>()
  if (cache) {
    app.addHook('onRequest', async (request, reply) => {
      if (isApi(request.url) || request.routeOptions.url === '/healthz') return
      const found = await cache.lookup(request.method, request.url, request.headers)
      lookups.set(request, found)
      if (found.state === 'HIT' || found.state === 'STALE')
        return reply.headers(found.headers).send(found.body)
    })
    app.addHook('onSend', (request, reply, payload, done) => {
      const found = lookups.get(request)
      if (!found) return done(null, payload)
      void reply.header('x-cache', found.state)
      if (found.state !== 'MISS') return done(null, payload)
      done(null, found.render.keep(reply.statusCode, reply.getHeaders(), payload))
    })
    const renderOver = (request: FastifyRequest) => {
      const found = lookups.get(request)
      if (found?.state === 'MISS') found.render.done()
    }
    app.addHook('onResponse', (request, _reply, done) => (renderOver(request), done()))
    app.addHook('onRequestAbort', (request, done) => (renderOver(request), done()))
  }

  const routes = routesOf(config)
  // With several instances behind a route, a body may have to be sent twice: it is held whole (1 MB at most).
  const several = routes.some((route) => route.upstreams.length > 1)
  app.addHook('preHandler', async (request) => {
    if (isApi(request.url) && request.body instanceof Readable) {
      request.body = limited(request.body)
      if (several) heldBodies.set(request, await collected(request.body as Readable))
    }
  })

  // Every /api path that no service serves: the client would answer with an HTML page.
  const unknownApiRoute = async () => {
    throw new AppError('ROUTE_NOT_FOUND')
  }
  app.all('/api', unknownApiRoute)
  app.all('/api/*', unknownApiRoute)

  // One balancer per service, shared by its routes (auth serves two prefixes).
  const balancers = new Map<string, Upstreams>()
  for (const route of routes) {
    const key = route.upstreams.join(',')
    const upstreams = balancers.get(key) ?? new Upstreams(route.upstreams)
    balancers.set(key, upstreams)
    await app.register(proxy, {
      upstream: '',
      prefix: route.prefix,
      rewritePrefix: route.prefix,
      handler: balanced(upstreams),
      replyOptions: { rewriteRequestHeaders: forwardedHeaders, getUpstream: () => upstreams.urls[0]! },
      logLevel: 'warn',
    })
  }
  return app
}
