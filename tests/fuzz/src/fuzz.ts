import http from 'node:http'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import fc from 'fast-check'
import {
  answerSchema,
  documents,
  operationsOf,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
} from './openapi.js'
import {
  hostilePathSegment,
  hostileQueryValue,
  jsonText,
  mutatedBody,
  textOf,
  validValue,
  type IdPool,
} from './values.js'

/** Who sends the requests: anonymous, a member, an admin. Cookies as a browser would send them. */
export interface Identity {
  name: string
  cookie(): string | undefined
}

export interface FuzzRequest {
  /** What was changed from a valid request, for the report. */
  kind: string
  method: string
  /** As it goes on the wire: already encoded, sometimes deliberately badly. */
  path: string
  headers: Record<string, string>
  body?: string
}

export interface FuzzAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
}

export interface FuzzFailure {
  operation: string
  identity: string
  problem: string
  request: FuzzRequest
  answer: Pick<FuzzAnswer, 'status' | 'text'>
  /** `npm run fuzz -- --seed … --only …` reproduces it (as far as the stack's state allows). */
  seed: number
}

export interface FuzzOptions {
  /** The gateway, e.g. http://127.0.0.1:3000. */
  baseUrl: string
  documents: OpenApiDocument[]
  identities: Identity[]
  /** Requests per operation and identity. */
  runs: number
  seed?: number
  /** Only the operations whose name contains one of these. */
  only?: string[]
  /** Ids never used in generated paths: the identities' own (an admin banning the fuzzing member ends the run). */
  protectedIds?: string[]
  log?: (line: string) => void
}

export interface FuzzReport {
  operations: string[]
  requests: number
  statuses: Record<string, number>
  failures: FuzzFailure[]
}

const ERROR_SHAPE: JsonSchema = {
  type: 'object',
  required: ['errors'],
  additionalProperties: false,
  properties: {
    errors: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['message'],
        additionalProperties: false,
        properties: { message: { type: 'string', minLength: 1 }, field: { type: 'string' } },
      },
    },
  },
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/** Ids found in answers, kept for later requests; capped so that old ones give way to new. */
class SeenIds implements IdPool {
  readonly #ids: string[] = []
  constructor(private readonly excluded: ReadonlySet<string>) {}
  ids(): readonly string[] {
    return this.#ids
  }
  collect(text: string) {
    for (const id of text.match(UUID) ?? []) {
      if (this.excluded.has(id) || this.#ids.includes(id)) continue
      this.#ids.push(id)
      if (this.#ids.length > 200) this.#ids.shift()
    }
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })

/** Sends a request as it is (node:http, not fetch, which would normalise `..` and refuse odd encodings). */
function send(baseUrl: string, request: FuzzRequest): Promise<FuzzAnswer> {
  const base = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(request.body !== undefined && { 'content-length': Buffer.byteLength(request.body) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        response.on('error', reject)
      },
    )
    outgoing.setTimeout(15_000, () => outgoing.destroy(new Error('no answer within 15 s')))
    outgoing.on('error', reject)
    outgoing.end(request.body)
  })
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/xml',
  'application/json, text/plain',
]
const MALFORMED_JSON = [
  '{',
  '{"a":',
  'nul',
  '',
  '{"a":1,}',
  "{'a':1}",
  '[',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":1}{"b":2}',
]

/** The requests of one operation: valid ones and ones wrong in one way, with the kind of each. */
function requestsFor(operation: Operation, pool: IdPool, origin: string): fc.Arbitrary<FuzzRequest> {
  const pathValue = (name: string) => {
    const parameter = operation.pathParameters.find((p) => p.name === name)!
    return validValue(parameter.schema, pool).map((value) => encodeURIComponent(textOf(value)))
  }
  const validPath = fc
    .tuple(...operation.pathParameters.map((p) => pathValue(p.name)))
    .map((values) =>
      operation.pathParameters.reduce(
        (path, parameter, index) => path.replace(`{${parameter.name}}`, values[index]!),
        operation.path,
      ),
    )
  const hostilePath = fc.tuple(validPath, hostilePathSegment, fc.nat()).map(([path, segment, which]) => {
    const names = operation.pathParameters.map((p) => p.name)
    if (names.length === 0) return `${path}/${segment}`
    const template = operation.pathParameters.reduce(
      (built, parameter, index) =>
        index === which % names.length ? built.replace(`{${parameter.name}}`, segment) : built,
      operation.path,
    )
    return template.replace(/\{[^}]+\}/g, () => crypto.randomUUID())
  })
  const validQuery = fc
    .tuple(...operation.query.map((p) => fc.option(validValue(p.schema, pool), { nil: undefined })))
    .map((values) => {
      const search = new URLSearchParams()
      operation.query.forEach((parameter, index) => {
        if (values[index] !== undefined) search.append(parameter.name, textOf(values[index]))
      })
      return search
    })
  const hostileQuery = fc
    .tuple(
      validQuery,
      fc.constantFrom(...operation.query.map((p) => p.name), 'unknown'),
      hostileQueryValue,
      fc.boolean(),
    )
    .map(([search, name, value, twice]) => {
      const changed = new URLSearchParams(search)
      if (twice) changed.append(name, value)
      else changed.set(name, value.replace(/[\ud800-\udfff]/g, 'x'))
      return changed
    })
  const headers = fc.constant({ origin, accept: 'application/json' })
  const validBody = operation.body
    ? validValue(operation.body.schema, pool).map(jsonText)
    : fc.constant(undefined)
  const build = (
    kind: string,
    path: fc.Arbitrary<string>,
    query: fc.Arbitrary<URLSearchParams>,
    body: fc.Arbitrary<string | undefined>,
    extraHeaders: fc.Arbitrary<Record<string, string>> = fc.constant({}),
  ) =>
    fc.tuple(path, query, body, headers, extraHeaders).map(([p, q, b, h, extra]): FuzzRequest => {
      const search = q.toString()
      return {
        kind,
        method: operation.method,
        path: search ? `${p}?${search}` : p,
        headers: {
          ...h,
          ...(b !== undefined && { 'content-type': 'application/json' }),
          ...extra,
        },
        ...(b !== undefined && { body: b }),
      }
    })

  const idempotencyKey = operation.headers.find((h) => h.name.toLowerCase() === 'idempotency-key')
  const kinds: fc.WeightedArbitrary<FuzzRequest>[] = [
    { weight: 4, arbitrary: build('valid', validPath, validQuery, validBody) },
    { weight: 1, arbitrary: build('hostile path', hostilePath, validQuery, validBody) },
    {
      weight: 1,
      arbitrary: build(
        'hostile header',
        validPath,
        validQuery,
        validBody,
        fc.oneof<fc.Arbitrary<Record<string, string>>[]>(
          fc.constantFrom<Record<string, string>>(
            { cookie: 'session=x.y.z; refresh=' + 'a'.repeat(300) },
            { cookie: 'session=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
            { origin: 'https://evil.example' },
            { 'sec-fetch-site': 'cross-site' },
            { 'x-forwarded-for': '1.2.3.4, 5.6.7.8' },
            { 'accept-encoding': 'gzip;q=abc' },
          ),
          ...(idempotencyKey
            ? [
                fc
                  .oneof(hostileQueryValue, fc.uuid())
                  .map((key) => ({ [idempotencyKey.name]: key.replace(/[^\x20-\x7e]/g, '') })),
              ]
            : []),
        ),
      ),
    },
  ]
  if (operation.query.length > 0) {
    kinds.push({ weight: 2, arbitrary: build('hostile query', validPath, hostileQuery, validBody) })
  }
  if (operation.body) {
    const body = operation.body.schema
    kinds.push(
      {
        weight: 4,
        arbitrary: build('one field wrong', validPath, validQuery, mutatedBody(body, pool).map(jsonText)),
      },
      {
        weight: 1,
        arbitrary: build('malformed JSON', validPath, validQuery, fc.constantFrom(...MALFORMED_JSON)),
      },
      {
        weight: 1,
        arbitrary: build(
          'not JSON',
          validPath,
          validQuery,
          validBody.map((b) => b ?? '{}'),
          fc.constantFrom(...CONTENT_TYPES).map((type) => ({ 'content-type': type })),
        ),
      },
    )
  }
  return fc.oneof(...kinds)
}

/**
 * Whether a request's head comes within reach of Node's header limit (http.maxHeaderSize, counted over the
 * request line and every header). The margin covers the headers the HTTP client adds itself (host,
 * content-length, connection), so a 431 far below the limit is still reported.
 */
function reachesHeaderLimit(request: FuzzRequest): boolean {
  const ADDED_BY_CLIENT = 256
  const head =
    Buffer.byteLength(`${request.method} ${request.path} HTTP/1.1\r\n`) +
    Object.entries(request.headers).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${value}\r\n`),
      0,
    )
  return head + ADDED_BY_CLIENT >= http.maxHeaderSize
}

/** Everything wrong with an answer, by the contract: DESIGN §3 and the operation's document. */
function problemsWith(
  operation: Operation,
  request: FuzzRequest,
  answer: FuzzAnswer,
  validate: (schema: JsonSchema, value: unknown) => string | undefined,
): string[] {
  const problems: string[] = []
  if (answer.status >= 500) problems.push(`answered ${answer.status}`)
  // A path that no longer matches the operation is another route, or none: 400 or 404 are fine there. An
  // empty segment addresses another route outright (`/api/tickets/` is the list), whose answer this one's
  // schema does not describe. A request whose head (request line and headers, whatever part was made hostile)
  // reaches Node's header limit is refused by the parser with 431 before any route is looked for. Each must
  // still be no 5xx and no error off the common shape.
  const emptySegment = /\/(\?|$)|\/\//.test(request.path)
  const elsewhere =
    (request.kind === 'hostile path' && ([400, 404].includes(answer.status) || emptySegment)) ||
    (answer.status === 431 && reachesHeaderLimit(request))
  if (!elsewhere && !documents(operation, answer.status)) {
    problems.push(
      `answered ${answer.status}, which its document does not list (${operation.statuses.join(', ')})`,
    )
  }
  const json = String(answer.headers['content-type'] ?? '').startsWith('application/json')
  let body: unknown
  if (answer.text !== '') {
    try {
      body = JSON.parse(answer.text)
    } catch {
      problems.push('a body that is not JSON')
    }
  }
  if (answer.status >= 400) {
    if (!json) problems.push(`an error with content-type ${String(answer.headers['content-type'])}`)
    const shape = validate(ERROR_SHAPE, body)
    if (shape) problems.push(`an error not in the common shape: ${shape}`)
  } else if (answer.text !== '' && !elsewhere) {
    const schema = answerSchema(operation, answer.status)
    const mismatch = schema && validate(schema, body)
    if (mismatch) problems.push(`a ${answer.status} answer unlike its documented schema: ${mismatch}`)
  }
  if (answer.status === 429 && !answer.headers['retry-after']) problems.push('a 429 without Retry-After')
  return problems
}

/** Session-ending operations go last, so that the identity's session lasts through the others. */
const endsSession = (operation: Operation) => /signout|refresh/.test(operation.path)

/**
 * Drives every operation of the documents through the gateway as each identity, `runs` times each, and returns
 * every answer that breaks the contract: a 5xx, an error not in the common shape or not JSON, a status the
 * document does not list, a success unlike its documented schema, a 429 without Retry-After.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined)
  const origin = new URL(options.baseUrl).origin
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true })
  addFormats.default(ajv)
  const compiled = new Map<JsonSchema, ReturnType<typeof ajv.compile>>()
  const validate = (schema: JsonSchema, value: unknown) => {
    let check = compiled.get(schema)
    if (!check) compiled.set(schema, (check = ajv.compile(schema)))
    return check(value) ? undefined : ajv.errorsText(check.errors)
  }
  const operations = options.documents
    .flatMap(operationsOf)
    .filter((operation) => !options.only || options.only.some((name) => operation.name.includes(name)))
    .sort((a, b) => Number(endsSession(a)) - Number(endsSession(b)))
  const pool = new SeenIds(new Set(options.protectedIds))
  const report: FuzzReport = {
    operations: operations.map((o) => o.name),
    requests: 0,
    statuses: {},
    failures: [],
  }
  const seed = options.seed ?? Date.now() % 2 ** 31

  for (const identity of options.identities) {
    for (const operation of operations) {
      const failures: FuzzFailure[] = []
      await fc.assert(
        fc.asyncProperty(requestsFor(operation, pool, origin), async (request) => {
          const cookie = identity.cookie()
          const sent = { ...request, headers: { ...(cookie && { cookie }), ...request.headers } }
          let answer: FuzzAnswer
          try {
            answer = await send(options.baseUrl, sent)
          } catch (error) {
            // The request could not be written (a header node refuses); nothing reached the server.
            if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_INVALID')) return
            answer = { status: 599, headers: {}, text: `no answer: ${(error as Error).message}` }
          }
          report.requests++
          report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1
          if (answer.status < 300) pool.collect(answer.text)
          for (const problem of problemsWith(operation, sent, answer, validate)) {
            failures.push({
              operation: operation.name,
              identity: identity.name,
              problem,
              request: { ...sent, body: sent.body?.slice(0, 500) },
              answer: { status: answer.status, text: answer.text.slice(0, 500) },
              seed,
            })
          }
        }),
        { numRuns: options.runs, seed, endOnFailure: true },
      )
      if (failures.length > 0) log(`${identity.name} ${operation.name}: ${failures.length} failing answers`)
      // One of each problem per operation is enough to read; the count is in the log line.
      const distinct = new Map(failures.map((failure) => [`${failure.problem.slice(0, 60)}`, failure]))
      report.failures.push(...distinct.values())
    }
  }
  return report
}

/** A failure as a person reads it. */
export function describeFailure(failure: FuzzFailure): string {
  const { request, answer } = failure
  return [
    `${failure.identity} ${failure.operation}: ${failure.problem}`,
    `  ${request.kind}: ${request.method} ${request.path.slice(0, 200)}`,
    ...(request.body !== undefined ? [`  body: ${request.body.slice(0, 200)}`] : []),
    `  headers: ${JSON.stringify(request.headers).slice(0, 200)}`,
    `  answer ${answer.status}: ${answer.text.slice(0, 200)}`,
    `  reproduce: npm run fuzz -- --seed ${failure.seed} --only '${failure.operation}'`,
  ].join('\n')
}
