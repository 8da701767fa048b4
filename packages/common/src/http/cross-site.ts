import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors/app-error.js'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Refuses state-changing requests that a browser sent from another site: SameSite cookies already keep
 * them unauthenticated, this makes them fail loudly. Requests without an Origin (curl, servers) pass.
 */
export const crossSiteProtection = fp(
  async (app: FastifyInstance, options: { allowedOrigins: readonly string[] }) => {
    const allowed = new Set(options.allowedOrigins.map((origin) => new URL(origin).origin))
    app.addHook('onRequest', async (request) => {
      if (!STATE_CHANGING.has(request.method)) return
      const origin = request.headers.origin
      const crossSite = request.headers['sec-fetch-site'] === 'cross-site'
      if (crossSite || (origin !== undefined && !allowed.has(origin)))
        throw new AppError('CROSS_SITE_REQUEST')
    })
  },
  { name: 'cross-site-protection' },
)
