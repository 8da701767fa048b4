import { readFileSync } from 'node:fs'
import { errorRegistry, type ErrorCode } from '@ticketing/common'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  committedContent,
  describeServices,
  generatedFiles,
  type OpenApiDocument,
  type ServiceDescription,
} from '../src/index.js'

let descriptions: ServiceDescription[]

beforeAll(async () => {
  descriptions = await describeServices()
})

/** `/api/users/:id/ban` → `/api/users/{id}/ban`, as OpenAPI writes a path; a prefix's own route without its slash. */
function documentedPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')
}

/**
 * The routes a document leaves out on purpose: health and metrics (not routed by the gateway), the document
 * itself, and auth's viewer of the documents with its assets.
 */
function isInternal(url: string, documentPath: string): boolean {
  return (
    ['/healthz', '/readyz', '/metrics', documentPath].includes(url) ||
    url === '/api/docs' ||
    url.startsWith('/api/docs/')
  )
}

function operations(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  )
}

describe('each service’s OpenAPI document', () => {
  it('describes every route its app registered, and no other, apart from the internal ones', () => {
    for (const { service, path, document, routes } of descriptions) {
      const registered = routes
        .filter((route) => route.method !== 'HEAD' && !isInternal(route.url, path))
        .map((route) => `${route.method} ${documentedPath(route.url)}`)
      const documented = operations(document).map((operation) => `${operation.method} ${operation.path}`)
      expect(new Set(documented), service).toEqual(new Set(registered))
      expect(documented.length, `${service}: one operation per route`).toBe(registered.length)
    }
  })

  it('is OpenAPI 3.1 and documents at least one success and the common error shape for every operation', () => {
    for (const { service, document } of descriptions) {
      expect(document.openapi).toBe('3.1.0')
      for (const { path, method, operation } of operations(document)) {
        const statuses = Object.keys(operation.responses).map(Number)
        expect(
          statuses.some((status) => status < 300),
          `${service} ${method} ${path}`,
        ).toBe(true)
        for (const status of statuses.filter((code) => code >= 400)) {
          const schema = (
            operation.responses[status]!.content?.['application/json'] as { schema?: object } | undefined
          )?.schema
          expect(schema, `${service} ${method} ${path} ${status}`).toMatchObject({
            required: ['errors'],
            properties: { errors: { type: 'array' } },
          })
        }
      }
    }
  })
})

/** Rows of the table in docs/errors.md: | `CODE` | status | message |. */
function errorsMarkdown(): Map<string, { status: number; message: string }> {
  const markdown = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
  const rows = [...markdown.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+?) \|$/gm)]
  return new Map(
    rows.map(([, code, status, message]) => [code!, { status: Number(status), message: message! }]),
  )
}

/**
 * Codes in errors.md that no operation of a service document answers, and why. A code listed here that a
 * document starts to answer, or a code that neither a document nor this list has, fails the test below.
 */
const answeredByNoOperation: Partial<Record<ErrorCode, string>> = {
  ROUTE_NOT_FOUND: 'a path that is no operation at all',
  METHOD_NOT_ALLOWED: 'registered, answered by no route today',
  CONFLICT: 'registered for concurrent edits, answered by no route today',
  INTERNAL: 'our fault, never promised',
  MALFORMED_REQUEST: "Node's HTTP parser, before any route is chosen",
  REQUEST_TIMEOUT: "Node's HTTP server, before any route is chosen",
  HEADERS_TOO_LARGE: "Node's HTTP parser, before any route is chosen",
  UPSTREAM_UNAVAILABLE: 'the gateway, when a service does not answer',
  UPSTREAM_TIMEOUT: 'the gateway, when a service is too slow',
}

/** Each error a document promises: the operation, the status it is listed under, its code and its message. */
function documentedErrors() {
  return descriptions.flatMap(({ service, document }) =>
    operations(document).flatMap(({ path, method, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .flatMap(([status, response]) => {
          const examples = (response.content?.['application/json']?.examples ?? {}) as Record<
            string,
            { summary: string; value: { errors: { message: string }[] } }
          >
          expect(
            Object.keys(examples).length,
            `${service} ${method} ${path} ${status}: codes`,
          ).toBeGreaterThan(0)
          return Object.entries(examples).map(([code, example]) => ({
            where: `${service} ${method} ${path} ${status} ${code}`,
            code,
            status: Number(status),
            message: example.summary,
            sent: example.value.errors[0]!.message,
          }))
        }),
    ),
  )
}

describe('docs/errors.md and the documents', () => {
  it('agree on every error a document lists: its code is in errors.md, under the same status and message', () => {
    const table = errorsMarkdown()
    for (const error of documentedErrors()) {
      expect({ status: error.status, message: error.message }, error.where).toEqual(table.get(error.code))
      expect(error.sent, error.where).toBe(error.message)
    }
  })

  it('every code in errors.md is answered by some operation, or is one no operation answers, for a reason', () => {
    const documented = new Set(documentedErrors().map((error) => error.code))
    for (const code of errorsMarkdown().keys()) {
      const reason = answeredByNoOperation[code as ErrorCode]
      if (reason) expect(documented.has(code), `${code} is listed as ${reason}`).toBe(false)
      else expect(documented.has(code), `${code}: no document lists it`).toBe(true)
    }
    // The list speaks of registered codes only.
    for (const code of Object.keys(answeredByNoOperation)) expect(errorRegistry).toHaveProperty(code)
  })
})

describe('the committed documents and the client’s generated types', () => {
  it('are what `npm run openapi` makes of the routes now', async () => {
    for (const file of await generatedFiles()) {
      expect(await committedContent(file.path), `${file.path} is out of date: run npm run openapi`).toBe(
        file.content,
      )
    }
  })
})
