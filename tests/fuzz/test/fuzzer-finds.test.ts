import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { fuzz } from '../src/fuzz.js'
import type { OpenApiDocument } from '../src/openapi.js'

// The fuzzer against a server that breaks the contract in known ways: it must report each, or a clean run of
// the real stack would prove nothing.
const document: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/api/things': {
      post: {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['name'],
                properties: { name: { type: 'string', minLength: 1, maxLength: 20 } },
              },
            },
          },
        },
        responses: {
          '201': {
            content: {
              'application/json': {
                schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
              },
            },
          },
          '400': {},
        },
      },
    },
  },
}

let server: http.Server
let baseUrl: string

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      let name: unknown
      try {
        name = (JSON.parse(body) as { name?: unknown }).name
      } catch {
        // Off the common shape, as Fastify's default would be.
        response.writeHead(400, { 'content-type': 'application/json' })
        return response.end(JSON.stringify({ statusCode: 400, error: 'Bad Request' }))
      }
      if (typeof name === 'string' && name.includes('\u0000')) {
        response.writeHead(500, { 'content-type': 'application/json' })
        return response.end(JSON.stringify({ errors: [{ message: 'Something went wrong' }] }))
      }
      if (typeof name !== 'string') {
        response.writeHead(422, { 'content-type': 'application/json' })
        return response.end(JSON.stringify({ errors: [{ message: 'name', field: 'name' }] }))
      }
      // A success unlike its documented schema: no id.
      response.writeHead(201, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ name }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise((resolve) => server.close(resolve)))

test('reports 5xx answers, errors off the common shape, undocumented statuses and successes off their schema', async () => {
  const report = await fuzz({
    baseUrl,
    documents: [document],
    identities: [{ name: 'anonymous', cookie: () => undefined }],
    runs: 300,
    seed: 42,
  })
  const problems = report.failures.map((failure) => failure.problem)
  expect(problems).toContainEqual(expect.stringMatching(/^answered 500/))
  expect(problems).toContainEqual(expect.stringMatching(/^an error not in the common shape/))
  expect(problems).toContainEqual(expect.stringMatching(/^answered 422, which its document does not list/))
  expect(problems).toContainEqual(expect.stringMatching(/^a 201 answer unlike its documented schema/))
})
