'use client'

import type { ApiErrorItem } from './types'

export type ClientResult<T> =
  { ok: true; status: number; data: T } | { ok: false; status: number; errors: ApiErrorItem[] }

const NETWORK_ERROR: ApiErrorItem[] = [
  { message: 'Could not reach the marketplace. Check your connection and try again.' },
]

// Routes where a 401 means "wrong credentials" or "no session", not "access token ran out".
const NO_RETRY = ['/api/users/signin', '/api/users/signup', '/api/users/refresh', '/api/users/signout']

let refreshing: Promise<boolean> | undefined

/** One refresh at a time, however many requests got a 401 together. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/api/users/refresh', { method: 'POST', credentials: 'same-origin' })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = undefined
    })
  return refreshing
}

interface Options {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  body?: unknown
  headers?: Record<string, string>
}

async function send(path: string, { method = 'GET', body, headers = {} }: Options): Promise<Response> {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
}

/**
 * Calls the API from the browser, on the site's own origin (the gateway routes /api/* to the services).
 * A 401 is answered by refreshing the session once and retrying. Never throws.
 */
export async function apiFetch<T = unknown>(path: string, options: Options = {}): Promise<ClientResult<T>> {
  let response: Response
  try {
    response = await send(path, options)
    if (response.status === 401 && !NO_RETRY.includes(path) && (await refreshSession())) {
      response = await send(path, options)
    }
  } catch {
    return { ok: false, status: 0, errors: NETWORK_ERROR }
  }
  const text = await response.text().catch(() => '')
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (response.ok) return { ok: true, status: response.status, data: body as T }
  const errors = (body as { errors?: ApiErrorItem[] } | undefined)?.errors
  return {
    ok: false,
    status: response.status,
    errors:
      Array.isArray(errors) && errors.length > 0
        ? errors
        : [{ message: `Something went wrong (${response.status}); try again.` }],
  }
}

/** Forgets the "had a session" hint (see session.ts) when the user signs out. */
export function forgetSignedInHint(): void {
  document.cookie = 'signed_in=; Max-Age=0; Path=/; SameSite=Lax'
}
