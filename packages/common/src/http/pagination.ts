import type { FastifyRequest } from 'fastify'
import { ValidationError } from '../errors/app-error.js'

/** A position in a newest-first list: the last item seen. */
export interface PageCursor {
  createdAt: Date
  id: string
}

export function encodeCursor(position: PageCursor): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url')
}

export function decodeCursor(cursor: string): PageCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    const date = new Date(createdAt)
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor')
    return { createdAt: date, id }
  } catch {
    throw new ValidationError([{ field: 'cursor', message: 'Cursor is not one this list gave out' }])
  }
}

/**
 * Sets `Link: <…?cursor=…>; rel="next"` when a full page was returned, so a client follows links rather than
 * building URLs. One item more than the page is read to know whether another page exists.
 */
export function pageOf<T>(
  request: FastifyRequest,
  reply: { header(name: string, value: string): unknown },
  rows: T[],
  limit: number,
  position: (row: T) => PageCursor,
): T[] {
  if (rows.length <= limit) return rows
  const page = rows.slice(0, limit)
  const url = new URL(request.url, 'http://placeholder')
  url.searchParams.set('cursor', encodeCursor(position(page.at(-1)!)))
  url.searchParams.set('limit', String(limit))
  reply.header('link', `<${url.pathname}${url.search}>; rel="next"`)
  return page
}
