import { cookies } from 'next/headers'
import { cache } from 'react'
import { apiUrl } from './config'
import { nextCursorOf } from './pagination'
import { readClaims, SESSION_COOKIE } from './session'
import type { ApiErrorItem, CurrentUser } from './types'

export type ApiResult<T> =
  | { ok: true; status: number; data: T; nextCursor?: string }
  | { ok: false; status: number; errors: ApiErrorItem[] }

const UNREACHABLE: ApiErrorItem[] = [
  { message: 'The marketplace is not answering right now; try again shortly' },
]

/** The browser's cookies, as they reached this render (after proxy.ts refreshed them, when it did). */
async function cookieHeader(): Promise<string> {
  const jar = await cookies()
  return jar
    .getAll()
    .map(({ name, value }) => `${name}=${value}`)
    .join('; ')
}

/** GET through API_URL as the signed-in user. Never throws: failures come back as the API's error shape. */
export async function apiGet<T>(path: string): Promise<ApiResult<T>> {
  let response: Response
  try {
    response = await fetch(`${apiUrl()}${path}`, {
      headers: { accept: 'application/json', cookie: await cookieHeader() },
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    })
  } catch {
    return { ok: false, status: 503, errors: UNREACHABLE }
  }
  const body: unknown = await response.json().catch(() => undefined)
  if (response.ok) {
    const nextCursor = nextCursorOf(response.headers.get('link'))
    return { ok: true, status: response.status, data: body as T, ...(nextCursor && { nextCursor }) }
  }
  const errors = (body as { errors?: ApiErrorItem[] } | undefined)?.errors
  return { ok: false, status: response.status, errors: Array.isArray(errors) ? errors : UNREACHABLE }
}

/**
 * Who is signed in, once per render. Asks auth; if auth is down, falls back to the access token's own claims
 * (display only: every service still verifies the token), so signed-in users keep browsing (DESIGN §1.5).
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value
  if (!token) return null
  const result = await apiGet<{ currentUser: CurrentUser | null }>('/api/users/currentuser')
  if (result.ok) return result.data.currentUser
  if (result.status >= 500) {
    const claims = readClaims(token)
    if (claims && claims.exp * 1000 > Date.now())
      return { id: claims.sub, email: claims.email, role: claims.role, displayName: 'Your account' }
  }
  return null
})
