import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, ForbiddenError, NotSignedInError } from '../errors/app-error.js'
import type { Bus } from '../events/bus.js'
import type { EventLogger } from '../events/logger.js'
import { ReplaySubscriber } from '../events/replay-subscriber.js'
import type { JwtKeys } from './keys.js'
import { RevocationList } from './revocation-list.js'
import { ACCESS_TOKEN_TTL_SECONDS, AccessTokenVerifier, type CurrentUser, type Role } from './tokens.js'

/** The cookie carrying the access token. */
export const SESSION_COOKIE = 'session'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, or null: no cookie, an invalid, expired or revoked token. */
    currentUser: CurrentUser | null
  }
  interface FastifyInstance {
    /** The tokens this instance refuses; auth records its own revocations here the moment they commit. */
    revocations: RevocationList
  }
}

/**
 * How long a request with a token may wait for the revocation list to be rebuilt before it is answered 503:
 * longer than a replay takes, short enough that a client is not left hanging by an instance that cannot
 * reach the bus.
 */
const DEFAULT_REPLAY_WAIT_MS = 5_000

export interface AuthenticationOptions {
  keys: JwtKeys
  /** Where bans and sign-outs arrive from; the revocation list replays the last 15 minutes at start. */
  bus: Bus
  logger?: EventLogger
  /** How long a request with a token waits for the list to be rebuilt before it gets 503 (default 5 s). */
  replayWaitMs?: number
}

/**
 * Authentication as every service does it, on its own: the access token in the session cookie is verified
 * with public keys (auth is never called) and checked against the revocation list, which follows
 * user.banned, user.unbanned and session.revoked. The service is not ready until the list is rebuilt.
 */
export const authentication = fp(
  async (app: FastifyInstance, options: AuthenticationOptions) => {
    const verifier = new AccessTokenVerifier(options.keys)
    const replayWaitMs = options.replayWaitMs ?? DEFAULT_REPLAY_WAIT_MS
    const revocations = new RevocationList()
    const subscriber = new ReplaySubscriber({
      bus: options.bus,
      types: ['user.banned', 'user.unbanned', 'session.revoked'],
      since: () => new Date(Date.now() - (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000),
      handler: (event) => revocations.apply(event),
      logger: options.logger,
    })
    subscriber.start()
    const pruning = setInterval(() => revocations.prune(), 60_000).unref()
    app.dependencies.add('revocations', {
      check: () => subscriber.replayed,
      close: async () => {
        clearInterval(pruning)
        await subscriber.stop()
      },
    })

    app.decorate('revocations', revocations)
    app.decorateRequest('currentUser', null)
    app.addHook('onRequest', async (request) => {
      const token = request.cookies[SESSION_COOKIE]
      if (!token) return
      // A token is judged only against the whole list: before the replay, a signed-out session's token would
      // pass. (Requests without one have nothing to be refused for and are not held up.)
      if (!subscriber.isReplayed && !(await settlesWithin(subscriber.replayed, replayWaitMs))) {
        throw new AppError('NOT_READY', { headers: { 'retry-after': '1' } })
      }
      try {
        const user = await verifier.verify(token)
        if (!revocations.isRevoked(user)) request.currentUser = user
      } catch {
        // A token that fails verification is no sign-in at all; routes that need one answer 401.
      }
    })
  },
  { name: 'authentication', dependencies: ['health-routes', '@fastify/cookie'] },
)

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)))
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** preHandler: 401 unless signed in. */
export async function requireAuth(request: FastifyRequest): Promise<void> {
  if (!request.currentUser) throw new NotSignedInError()
}

/** preHandler: 401 unless signed in, 403 unless the user has the role. */
export function requireRole(role: Role) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!request.currentUser) throw new NotSignedInError()
    if (request.currentUser.role !== role) throw new ForbiddenError()
  }
}

/** The signed-in user of a request behind requireAuth. */
export function signedInUser(request: FastifyRequest): CurrentUser {
  if (!request.currentUser) throw new NotSignedInError()
  return request.currentUser
}
