import { ACCESS_TOKEN_TTL_SECONDS, SESSION_COOKIE } from '@ticketing/common'
import type { FastifyReply } from 'fastify'
import { REFRESH_TOKEN_TTL_MS, type IssuedSession } from './session.service.js'

export const REFRESH_COOKIE = 'refresh'
/** The refresh cookie goes only to auth's own routes. */
const REFRESH_PATH = '/api/users'

export function setSessionCookies(reply: FastifyReply, session: IssuedSession, secure: boolean): void {
  const base = { httpOnly: true, sameSite: 'lax', secure } as const
  void reply.setCookie(SESSION_COOKIE, session.accessToken, {
    ...base,
    path: '/',
    maxAge: ACCESS_TOKEN_TTL_SECONDS,
  })
  void reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
    ...base,
    path: REFRESH_PATH,
    maxAge: REFRESH_TOKEN_TTL_MS / 1000,
  })
}

/** Clears each cookie with its own path, or the browser keeps it. */
export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  const base = { httpOnly: true, sameSite: 'lax', secure } as const
  void reply.clearCookie(SESSION_COOKIE, { ...base, path: '/' })
  void reply.clearCookie(REFRESH_COOKIE, { ...base, path: REFRESH_PATH })
}
