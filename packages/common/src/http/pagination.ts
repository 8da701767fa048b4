import type { FastifyRequest } from 'fastify'
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import Type from 'typebox'
import { ValidationError } from '../errors/app-error.js'

/**
 * Keyset pagination: every list of the API pages this way, on (a sort key, id). Most lists are newest first
 * on (created_at, id); the events are soonest first on (starts_at, id), an event's tickets cheapest first on
 * (price, id). A route spreads `pageQuery` into its querystring schema, turns the query into a `Page` with
 * `pageRequest` (saying which kind of key its list sorts on), its repository orders and cuts with
 * `newestFirst` or `orderedPage`, and `sendPage` answers with the page and a `Link` to the next one.
 */

/** `?limit` (1–200, default 50) and `?cursor` (given out in a `Link` header): spread into a querystring schema. */
export const pageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200, title: 'Page link' })),
}

/** A position in a newest-first list: the last item seen. */
export interface PageCursor {
  createdAt: Date
  id: string
}

/** A position in a list sorted on another key: the last item's key (an instant or an integer) and id. */
export interface KeyedCursor {
  key: Date | number
  id: string
}

/** What a list asks for: `size` items, after the position of the cursor if there is one. */
export interface Page<Cursor = PageCursor> {
  size: number
  after?: Cursor
}

/** A row that can be paged: every paged table has these two columns and an index on them. */
export interface PagedRow {
  created_at: Date
  id: string
}

function encodeCursor(key: Date | number, id: string): string {
  return Buffer.from(JSON.stringify([key instanceof Date ? key.toISOString() : key, id])).toString(
    'base64url',
  )
}

/** `2026-11-24T09:00:00.000Z`: years 0–9999, the ones toISOString writes without a sign. */
const ISO_INSTANT_LENGTH = 24
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The kind of key a list sorts on, which its cursors must hold. */
export type CursorKind = 'instant' | 'integer'

/**
 * The position a cursor names, or undefined if it is not one `encodeCursor` made for a list of this kind: the
 * cursor is only base64url JSON, so a client can craft one, and what it holds goes into SQL as a timestamp or
 * a bigint and a uuid. Requiring exactly what encodeCursor writes (an ISO instant of a four-digit year that
 * reads back the same, or a safe integer; a uuid) keeps a crafted one from reaching the database as a value it
 * would refuse.
 */
function decodeCursor(cursor: string, kind: CursorKind): KeyedCursor | undefined {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined
  const [key, id] = decoded as unknown[]
  if (typeof id !== 'string' || !UUID.test(id)) return undefined
  if (kind === 'integer') return Number.isSafeInteger(key) ? { key: key as number, id } : undefined
  if (typeof key !== 'string' || key.length !== ISO_INSTANT_LENGTH) return undefined
  const date = new Date(key)
  if (Number.isNaN(date.getTime()) || date.toISOString() !== key) return undefined
  return { key: date, id }
}

const INVALID_CURSOR = 'This page link is not valid any more: start again from the first page'

/** The page a validated `?limit&cursor` asks for; a cursor this API did not give out is a 400 on `cursor`. */
export function pageRequest(query: { limit: number; cursor?: string }): Page
export function pageRequest(query: { limit: number; cursor?: string }, kind: CursorKind): Page<KeyedCursor>
export function pageRequest(
  query: { limit: number; cursor?: string },
  kind?: CursorKind,
): Page | Page<KeyedCursor> {
  if (query.cursor === undefined || query.cursor === '') return { size: query.limit }
  const after = decodeCursor(query.cursor, kind ?? 'instant')
  if (!after) throw new ValidationError([{ field: 'cursor', message: INVALID_CURSOR }])
  if (kind) return { size: query.limit, after }
  return { size: query.limit, after: { createdAt: after.key as Date, id: after.id } }
}

/**
 * Orders a query newest first and keeps the rows after the page's position. It reads one row more than the
 * page holds, so that `sendPage` knows whether another page follows without a count.
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: Page,
): SelectQueryBuilder<DB, TB, O> {
  return orderedPage(
    query,
    { size: page.size, after: page.after && { key: page.after.createdAt, id: page.after.id } },
    sql.ref('created_at'),
    'desc',
  )
}

/**
 * Orders a query on `key` then id, in one direction (an index on both serves it), and keeps the rows after the
 * page's position, reading one more row than the page holds.
 */
export function orderedPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: Page<KeyedCursor>,
  key: RawBuilder<unknown>,
  direction: 'asc' | 'desc',
): SelectQueryBuilder<DB, TB, O> {
  let paged = query
    .orderBy(key, direction)
    .orderBy(sql.ref('id'), direction)
    .limit(page.size + 1)
  const { after } = page
  if (after) {
    paged =
      direction === 'desc'
        ? paged.where(sql<boolean>`(${key}, id) < (${after.key}, ${after.id})`)
        : paged.where(sql<boolean>`(${key}, id) > (${after.key}, ${after.id})`)
  }
  return paged
}

/**
 * The rows of the page, without the extra one the query read; when there was one, sets
 * `Link: <…?cursor=…>; rel="next"`, so a client follows links rather than building URLs. `keyOf` gives the
 * sort key of a row (its created_at unless told).
 */
export function sendPage<T extends { id: string }>(
  request: FastifyRequest,
  reply: { header(name: string, value: string): unknown },
  rows: T[],
  page: { size: number },
  keyOf: (row: T) => Date | number = (row) => (row as unknown as PagedRow).created_at,
): T[] {
  if (rows.length <= page.size) return rows
  const rowsOfPage = rows.slice(0, page.size)
  const last = rowsOfPage.at(-1)!
  const url = new URL(request.url, 'http://placeholder')
  url.searchParams.set('cursor', encodeCursor(keyOf(last), last.id))
  url.searchParams.set('limit', String(page.size))
  reply.header('link', `<${url.pathname}${url.search}>; rel="next"`)
  return rowsOfPage
}
