import type { IncomingHttpHeaders } from 'node:http'
import proxy from '@fastify/http-proxy'
import { errorHandler, requestId } from '@ticketing/common'
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyRequest,
  type RawServerBase,
  type RequestGenericInterface,
} from 'fastify'
import { routesOf, type Config } from './config.js'

/**
 * The headers a service behind us sees: the browser's (cookies included), who asked and how
 * (X-Forwarded-For/-Host/-Proto, as an ingress sets them), and the request id every log line will carry.
 */
function forwardedHeaders(
  request: FastifyRequest<RequestGenericInterface, RawServerBase>,
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const forwardedFor = headers['x-forwarded-for']
  return {
    ...headers,
    'x-request-id': request.id,
    'x-forwarded-for': forwardedFor ? `${String(forwardedFor)}, ${request.ip}` : request.ip,
    'x-forwarded-host': headers['x-forwarded-host'] ?? request.host,
    'x-forwarded-proto': headers['x-forwarded-proto'] ?? request.protocol,
  }
}

/**
 * The local gateway: routes as the ingress does, streaming bodies both ways. It is not a service: no
 * database, no authentication and no origin check of its own (each service does those), and it never parses
 * a body. A service that does not answer is a 503 in the common error shape.
 */
export async function buildGateway(
  config: Config,
  options: { logger?: false } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: config.LOG_LEVEL, base: { service: 'gateway' } },
    genReqId: requestId,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  })
  app.setErrorHandler(errorHandler)
  app.addHook('onSend', async (request, reply) => void reply.header('x-request-id', request.id))
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }))
  // One line per request, as every service writes; the proxy's own chatter ("fetching from remote server")
  // stays below the routes' log level.
  app.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.url !== '/healthz') {
      const { method, url } = request
      app.log.info(
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

  for (const route of routesOf(config)) {
    await app.register(proxy, {
      upstream: route.upstream,
      prefix: route.prefix,
      rewritePrefix: route.prefix,
      replyOptions: { rewriteRequestHeaders: forwardedHeaders },
      logLevel: 'warn',
    })
  }
  return app
}
