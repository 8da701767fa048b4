import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import {
  defaultDisplayName,
  NotFoundError,
  pageRequest,
  requireAuth,
  requireRole,
  sendPage,
  signedInUser,
} from '@ticketing/common'
import Type from 'typebox'
import type { AuthContext } from '../context.js'
import { clearSessionCookies, REFRESH_COOKIE, setSessionCookies } from '../sessions/cookies.js'
import { entryLimit, refresh, signIn, signOut, signOutEverywhere } from '../sessions/session.service.js'
import { banUser, getProfile, listUsersPage, signUp, unbanUser, updateProfile } from './user.service.js'
import {
  BanBody,
  Credentials,
  CurrentUserResponse,
  ListUsersQuery,
  MeResponse,
  ProfileBody,
  PublicUser,
  SignupBody,
  UserIdParams,
  UserSummary,
} from './user.schemas.js'
import type { UserRow } from './user.table.js'

const Empty = Type.Object({})

const summary = (user: UserRow) => ({
  id: user.id,
  email: user.email,
  role: user.role,
  createdAt: user.created_at.toISOString(),
  bannedAt: user.banned_at?.toISOString() ?? null,
  banReason: user.ban_reason,
})

/** `/api/users`: sign-up, sign-in, sessions, and the admin's list, ban and unban. */
export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: AuthContext }> = async (app, { ctx }) => {
  const secure = ctx.config.COOKIE_SECURE
  const entries = entryLimit(ctx)
  // A sign-in spends its entry in the same round trip as its failure budgets (signIn).
  const spendEntry = async (request: FastifyRequest) => ctx.limits.enforce(entries, request.ip)

  app.post(
    '/signup',
    {
      schema: {
        summary: 'Create an account and sign in (session and refresh cookies)',
        body: SignupBody,
        response: { 201: PublicUser },
        errors: ['EMAIL_IN_USE', 'RATE_LIMITED'],
      },
      onRequest: spendEntry,
    },
    async (request, reply) => {
      const session = await signUp(ctx, request.body)
      setSessionCookies(reply, session, secure)
      return reply.status(201).send(session.user)
    },
  )

  app.post(
    '/signin',
    {
      schema: {
        summary: 'Sign in (session and refresh cookies)',
        body: Credentials,
        response: { 200: PublicUser },
        errors: ['INVALID_CREDENTIALS', 'USER_BANNED', 'RATE_LIMITED'],
      },
    },
    async (request, reply) => {
      const session = await signIn(ctx, request.body, request.ip)
      setSessionCookies(reply, session, secure)
      return session.user
    },
  )

  // Answers once the revocation is committed and in this instance's list: auth refuses the token from then on.
  app.post(
    '/signout',
    { schema: { summary: "End this browser's session and clear its cookies", response: { 200: Empty } } },
    async (request, reply) => {
      await signOut(ctx, { refreshToken: request.cookies[REFRESH_COOKIE], currentUser: request.currentUser })
      clearSessionCookies(reply, secure)
      return {}
    },
  )

  app.post(
    '/signout-all',
    {
      preHandler: requireAuth,
      schema: {
        summary: 'End every session of the signed-in user',
        response: { 200: Empty },
        errors: ['NOT_SIGNED_IN'],
      },
    },
    async (request, reply) => {
      await signOutEverywhere(ctx, signedInUser(request).id)
      clearSessionCookies(reply, secure)
      return {}
    },
  )

  app.post(
    '/refresh',
    {
      schema: {
        summary: 'Exchange the refresh cookie for a new session (both cookies renewed)',
        security: [{ refresh: [] }],
        response: { 200: PublicUser },
        errors: ['SESSION_EXPIRED'],
      },
    },
    async (request, reply) => {
      try {
        const session = await refresh(ctx, request.cookies[REFRESH_COOKIE])
        setSessionCookies(reply, session, secure)
        return session.user
      } catch (error) {
        clearSessionCookies(reply, secure)
        throw error
      }
    },
  )

  app.get(
    '/currentuser',
    { schema: { summary: 'Who is signed in (null when nobody is)', response: { 200: CurrentUserResponse } } },
    async (request) => {
      const user = request.currentUser
      if (!user) return { currentUser: null }
      // The display name is not in the token (a rename would wait for its expiry): read it here. With the
      // database away, the token still says who this is; the name is then the default one.
      const fromToken = {
        id: user.id,
        email: user.email,
        role: user.role,
        displayName: defaultDisplayName(user.id),
      }
      const found = await getProfile(ctx, user.id).catch((error: unknown) =>
        error instanceof NotFoundError ? null : fromToken,
      )
      return { currentUser: found }
    },
  )

  // requireAuth on onRequest, before the body is validated: signed out is 401 whatever the body says.
  app.put(
    '/me',
    {
      onRequest: requireAuth,
      schema: {
        summary: 'Change the signed-in member’s display name (what others see; never the email)',
        body: ProfileBody,
        response: { 200: MeResponse },
        errors: ['NOT_SIGNED_IN'],
      },
    },
    async (request) => updateProfile(ctx, signedInUser(request).id, request.body),
  )

  app.get(
    '/',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'List users, newest first (admin); the next page is in the Link header',
        querystring: ListUsersQuery,
        response: { 200: Type.Array(UserSummary) },
        errors: ['NOT_SIGNED_IN', 'FORBIDDEN'],
      },
    },
    async (request, reply) => {
      const page = pageRequest(request.query)
      const rows = await listUsersPage(ctx, page)
      return sendPage(request, reply, rows, page).map(summary)
    },
  )

  app.post(
    '/:id/ban',
    {
      preHandler: requireRole('admin'),
      // The body, with its reason, is optional: a bare POST bans too.
      preValidation: async (request) => void (request.body ??= {}),
      schema: {
        summary: 'Ban a user (admin): their sessions end everywhere within seconds',
        params: UserIdParams,
        body: BanBody,
        response: { 200: Empty },
        errors: ['NOT_SIGNED_IN', 'FORBIDDEN', 'CANNOT_BAN_SELF', 'NOT_FOUND'],
      },
    },
    async (request) => {
      await banUser(ctx, signedInUser(request).id, request.params.id, request.body.reason)
      return {}
    },
  )

  app.post(
    '/:id/unban',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Lift a ban (admin)',
        params: UserIdParams,
        response: { 200: Empty },
        errors: ['NOT_SIGNED_IN', 'FORBIDDEN', 'NOT_FOUND'],
      },
    },
    async (request) => {
      await unbanUser(ctx, request.params.id)
      return {}
    },
  )
}
