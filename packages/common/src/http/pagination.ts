import type { FastifyRequest } from 'fastify'
import { sql, type SelectQueryBuilder } from 'kysely'
import Type from 'typebox'
import { ValidationError } from '../errors/app-error.js'

/**
 * Keyset pagination, newest first on (created_at, id): every list of the API pages this way. A route spreads
 * `pageQuery` into its querystring schema, turns the query into a `Page` with `pageRequest`, its repository
 * orders and cuts with `newestFirst`, and `sendPage` answers with the page and a `Link` to the next one.
 */

/** `?limit` (1–200, default 50) and `?cursor` (given out in a `Link` header): spread into a querystring schema. */
export const pageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
}

/** A position in a newest-first list: the last item seen. */
export interface PageCursor {
  createdAt: Date
  id: string
}

/** What a list asks for: `size` items, after the position of the cursor if there is one. */
export interface Page {
  size: number
  after?: PageCursor
}

/** A row that can be paged: every paged table has these two columns and an index on them. */
export interface PagedRow {
  created_at: Date
  id: string
}

function encodeCursor(position: PageCursor): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url')
}

/** `2026-11-24T09:00:00.000Z`: years 0–9999, the ones toISOString writes without a sign. */
const ISO_INSTANT_LENGTH = 24
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The position a cursor names, or undefined if it is not one `encodeCursor` made: the cursor is only
 * base64url JSON, so a client can craft one, and what it holds goes into SQL as a timestamp and a uuid.
 * Requiring exactly what encodeCursor writes (an ISO instant of a four-digit year that reads back the same, a
 * uuid) keeps a crafted one from reaching the database as a value it would refuse.
 */
function decodeCursor(cursor: string): PageCursor | undefined {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined
  const [createdAt, id] = decoded as unknown[]
  if (typeof createdAt !== 'string' || createdAt.length !== ISO_INSTANT_LENGTH) return undefined
  if (typeof id !== 'string' || !UUID.test(id)) return undefined
  const date = new Date(createdAt)
  if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) return undefined
  return { createdAt: date, id }
}

/** The page a validated `?limit&cursor` asks for; a cursor this API did not give out is a 400 on `cursor`. */
export function pageRequest(query: { limit: number; cursor?: string }): Page {
  if (query.cursor === undefined || query.cursor === '') return { size: query.limit }
  const after = decodeCursor(query.cursor)
  if (!after) {
    throw new ValidationError([{ field: 'cursor', message: 'Cursor is not one this list gave out' }])
  }
  return { size: query.limit, after }
}

/**
 * Orders a query newest first and keeps the rows after the page's position. It reads one row more than the
 * page holds, so that `sendPage` knows whether another page follows without a count.
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: Page,
): SelectQueryBuilder<DB, TB, O> {
  let paged = query
    .orderBy(sql.ref('created_at'), 'desc')
    .orderBy(sql.ref('id'), 'desc')
    .limit(page.size + 1)
  const { after } = page
  if (after) paged = paged.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id})`)
  return paged
}

/**
 * The rows of the page, without the extra one `newestFirst` read; when there was one, sets
 * `Link: <…?cursor=…>; rel="next"`, so a client follows links rather than building URLs.
 */
export function sendPage<T extends PagedRow>(
  request: FastifyRequest,
  reply: { header(name: string, value: string): unknown },
  rows: T[],
  page: Page,
): T[] {
  if (rows.length <= page.size) return rows
  const rowsOfPage = rows.slice(0, page.size)
  const last = rowsOfPage.at(-1)!
  const url = new URL(request.url, 'http://placeholder')
  url.searchParams.set('cursor', encodeCursor({ createdAt: last.created_at, id: last.id }))
  url.searchParams.set('limit', String(page.size))
  reply.header('link', `<${url.pathname}${url.search}>; rel="next"`)
  return rowsOfPage
}
