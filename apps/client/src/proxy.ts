import { NextResponse, type NextRequest } from 'next/server'
import { apiUrl } from './lib/config'
import {
  HINT_MAX_AGE_SECONDS,
  isExpired,
  REFRESH_COOKIE,
  SESSION_COOKIE,
  SIGNED_IN_HINT_COOKIE,
} from './lib/session'

/**
 * Keeps a signed-in user signed in across page loads, before anything renders.
 *
 * 1. A live access token: render as is (and remember that this browser has a session).
 * 2. Missing or expired, with the refresh cookie on the request: refresh through API_URL, pass auth's
 *    Set-Cookie headers on to the browser and put the new token on the request being rendered.
 * 3. Missing or expired, no refresh cookie, but this browser had a session: auth scopes the refresh cookie to
 *    /api/users, so pages never see it. Send the browser through /session/refresh, which refreshes from the
 *    browser (where the cookie is sent) and comes straight back. Client-side navigations are not redirected;
 *    components/session-keeper.tsx refreshes and re-renders those.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const token = request.cookies.get(SESSION_COOKIE)?.value
  const hinted = request.cookies.has(SIGNED_IN_HINT_COOKIE)
  if (token && !isExpired(token)) {
    const response = NextResponse.next()
    if (!hinted) rememberSession(response)
    return response
  }

  const refreshToken = request.cookies.get(REFRESH_COOKIE)?.value
  if (refreshToken) return refreshOnServer(request, refreshToken)

  if (hinted && isDocumentLoad(request)) {
    const target = new URL('/session/refresh', request.url)
    target.searchParams.set('next', `${request.nextUrl.pathname}${request.nextUrl.search}`)
    const response = NextResponse.redirect(target, 307)
    // Once only: if the refresh fails, the user lands back here signed out instead of bouncing forever.
    response.cookies.delete(SIGNED_IN_HINT_COOKIE)
    return response
  }
  return NextResponse.next()
}

async function refreshOnServer(request: NextRequest, refreshToken: string): Promise<NextResponse> {
  let answer: Response
  try {
    answer = await fetch(`${apiUrl()}/api/users/refresh`, {
      method: 'POST',
      headers: { cookie: `${REFRESH_COOKIE}=${refreshToken}`, accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(5_000),
    })
  } catch {
    return NextResponse.next() // auth unreachable: render signed out, try again next time
  }
  const setCookies = answer.headers.getSetCookie()
  const newToken = answer.ok ? cookieValue(setCookies, SESSION_COOKIE) : undefined

  // The page renders with the new token (or, refused, without the stale one).
  request.cookies.delete(SESSION_COOKIE)
  if (newToken) request.cookies.set(SESSION_COOKIE, newToken)
  const headers = new Headers(request.headers)
  headers.set('cookie', request.cookies.toString())
  const response = NextResponse.next({ request: { headers } })
  // Through response.cookies, not raw headers: Next keeps only those when the page answers with a redirect.
  for (const cookie of setCookies) {
    const parsed = parseSetCookie(cookie)
    if (parsed) response.cookies.set(parsed)
  }
  if (newToken) rememberSession(response)
  else response.cookies.delete(SIGNED_IN_HINT_COOKIE)
  return response
}

function rememberSession(response: NextResponse): void {
  response.cookies.set(SIGNED_IN_HINT_COOKIE, '1', {
    path: '/',
    maxAge: HINT_MAX_AGE_SECONDS,
    sameSite: 'lax',
  })
}

function cookieValue(setCookies: string[], name: string): string | undefined {
  const value = setCookies.map(parseSetCookie).find((cookie) => cookie?.name === name)?.value
  return value ? value : undefined
}

type CookieOptions = Exclude<Parameters<NextResponse['cookies']['set']>[0], string>

/** `name=value; Max-Age=…; Path=…; HttpOnly; SameSite=Lax; Secure` as NextResponse.cookies takes it. */
function parseSetCookie(header: string): CookieOptions | undefined {
  const [pair = '', ...attributes] = header.split(';')
  const index = pair.indexOf('=')
  if (index <= 0) return undefined
  const cookie: CookieOptions = { name: pair.slice(0, index).trim(), value: pair.slice(index + 1).trim() }
  for (const attribute of attributes) {
    const [key = '', ...rest] = attribute.split('=')
    const value = rest.join('=').trim()
    switch (key.trim().toLowerCase()) {
      case 'path':
        cookie.path = value
        break
      case 'domain':
        cookie.domain = value
        break
      case 'max-age':
        cookie.maxAge = Number(value)
        break
      case 'expires':
        cookie.expires = new Date(value)
        break
      case 'httponly':
        cookie.httpOnly = true
        break
      case 'secure':
        cookie.secure = true
        break
      case 'samesite':
        cookie.sameSite = value.toLowerCase() as 'lax' | 'strict' | 'none'
        break
    }
  }
  return cookie
}

/**
 * A page the browser is loading as a document. Prefetches and client-side navigations are fetches (Next does
 * not show their RSC headers to the proxy), so they are told apart by Fetch Metadata; those are left to
 * SessionKeeper, which refreshes and re-renders in place.
 */
function isDocumentLoad(request: NextRequest): boolean {
  return request.method === 'GET' && request.headers.get('sec-fetch-dest') === 'document'
}

export const config = {
  // Pages only: not the API (the gateway sends it to the services anyway), assets, or the refresh stop itself.
  // And only for browsers with one of the session's cookies: a visitor who never signed in has nothing to
  // refresh, and skipping the proxy makes their pages cheaper. Next reads this statically, so the path and
  // the cookies' names (lib/session.ts) are written out.
  matcher: [
    {
      source: '/((?!api/|_next/|favicon.ico|icon.svg|session/refresh).*)',
      has: [{ type: 'cookie', key: 'session' }],
    },
    {
      source: '/((?!api/|_next/|favicon.ico|icon.svg|session/refresh).*)',
      has: [{ type: 'cookie', key: 'refresh' }],
    },
    {
      source: '/((?!api/|_next/|favicon.ico|icon.svg|session/refresh).*)',
      has: [{ type: 'cookie', key: 'signed_in' }],
    },
  ],
}
