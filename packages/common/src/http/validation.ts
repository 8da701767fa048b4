import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import type { ErrorItem } from '../errors/app-error.js'

/** A UTF-16 surrogate without its pair, which UTF-8 cannot encode (the driver would store U+FFFD instead). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether a string can be stored as it was sent: no NUL (PostgreSQL's text cannot hold one), no lone surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value)
}

/**
 * Whether a number is one we can compute with and store: finite (a query's `1e999` coerces to Infinity, which
 * Ajv lets past `maximum`) and within ±(2^53 − 1), beyond which integers are no longer exact and arithmetic on
 * money would round.
 */
export function isSafeNumber(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
}

/**
 * Two validators, because the parts of a request differ: a body is JSON, so its types are taken literally
 * ("10" is not a price) and unknown properties are dropped before a handler can honour them; a query string
 * or path is text, so `?limit=10` is coerced to a number.
 */
function createAjv(part: 'body' | 'text') {
  const ajv = new Ajv({
    allErrors: part === 'body',
    coerceTypes: part === 'text',
    removeAdditional: part === 'body' ? 'all' : false,
    useDefaults: true,
    verbose: true,
    strict: true,
  })
  addFormats.default(ajv)
  // A schema may carry the message users see when it fails: Type.String({ errorMessage: 'Title is required' }).
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' })
  // Added to every string and number of every route's schema by `withStorageRules`. Neither declares the type
  // it applies to: Ajv would then guard the check with isFinite and let Infinity past unchecked.
  ajv.addKeyword({
    keyword: 'storable',
    schemaType: 'boolean',
    validate: (_schema: boolean, data: unknown) => typeof data !== 'string' || isStorableText(data),
  })
  ajv.addKeyword({
    keyword: 'safeNumber',
    schemaType: 'boolean',
    validate: (_schema: boolean, data: unknown) => typeof data !== 'number' || isSafeNumber(data),
  })
  return ajv
}

const bodyAjv = createAjv('body')
const textAjv = createAjv('text')

/** Keywords whose values are data, not schemas: never rewritten. */
const DATA_KEYWORDS = new Set(['default', 'const', 'enum', 'examples'])

function hasType(schema: Record<string, unknown>, type: string): boolean {
  return Array.isArray(schema.type) ? schema.type.includes(type) : schema.type === type
}

/**
 * A copy of a route's schema in which every string must be storable and every number safe, so that no
 * route can forget it and no request reaches a handler, or the database, with either: refused as a 400 on
 * the field, like any other validation failure. The route's schema object itself is left as it is.
 */
export function withStorageRules(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withStorageRules)
  if (schema === null || typeof schema !== 'object') return schema
  const source = schema as Record<string, unknown>
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(source)) {
    copy[key] = DATA_KEYWORDS.has(key) ? value : withStorageRules(value)
  }
  if (hasType(source, 'string')) copy.storable = true
  if (hasType(source, 'number') || hasType(source, 'integer')) copy.safeNumber = true
  return copy
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(withStorageRules(schema) as object)

/** `ticketId` → `Ticket id`, for messages that read as sentences. */
function label(field: string): string {
  const words = field
    .split('.')
    .at(-1)!
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const article: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
}

const formatName: Record<string, string> = {
  email: 'email address',
  uuid: 'id',
  uri: 'URL',
  'date-time': 'date and time',
}

function describe(error: ErrorObject, subject: string): string {
  const params = error.params as Record<string, unknown>
  const limit = params.limit as number
  switch (error.keyword) {
    case 'required':
      return `${subject} is required`
    case 'type':
      return `${subject} must be ${article[String(params.type)] ?? String(params.type)}`
    case 'minLength':
      return limit === 1 ? `${subject} must not be empty` : `${subject} must be at least ${limit} characters`
    case 'maxLength':
      return `${subject} must be at most ${limit} characters`
    case 'minimum':
      return `${subject} must be at least ${limit}`
    case 'exclusiveMinimum':
      return `${subject} must be greater than ${limit}`
    case 'maximum':
      return `${subject} must be at most ${limit}`
    case 'exclusiveMaximum':
      return `${subject} must be less than ${limit}`
    case 'multipleOf':
      return `${subject} must be a multiple of ${String(params.multipleOf)}`
    case 'format':
      return `${subject} must be a valid ${formatName[String(params.format)] ?? String(params.format)}`
    case 'enum':
      return `${subject} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`
    case 'const':
    case 'anyOf':
      return `${subject} has an invalid value`
    case 'pattern':
      return `${subject} has an invalid format`
    case 'storable':
      return `${subject} must not contain NUL characters or unpaired surrogates`
    case 'safeNumber':
      return Number.isFinite(error.data)
        ? `${subject} must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`
        : `${subject} must be a finite number`
    default:
      return `${subject} ${error.message ?? 'is invalid'}`
  }
}

/**
 * Turns Ajv's errors into our error items: one per field (the first failure of each), named after the
 * property so a client can show it beside the input.
 */
export function validationItems(errors: readonly ErrorObject[], part: string): ErrorItem[] {
  const byField = new Map<string, ErrorItem>()
  for (const error of errors) {
    if (error.keyword === 'anyOf' && errors.length > 1) continue // its branches already said why
    const path = error.instancePath.slice(1).replaceAll('/', '.')
    const missing = error.keyword === 'required' ? String(error.params.missingProperty) : undefined
    const field = missing === undefined ? path : path ? `${path}.${missing}` : missing
    if (byField.has(field)) continue
    const parent = error.parentSchema as
      | { errorMessage?: unknown; title?: unknown; properties?: Record<string, { title?: unknown }> }
      | undefined
    const custom = parent?.errorMessage
    // A schema's `title` names the field as people know it (`q` is "Search text").
    const title = missing === undefined ? parent?.title : parent?.properties?.[missing]?.title
    const subject =
      typeof title === 'string'
        ? title
        : field
          ? label(field)
          : part === 'body'
            ? 'The request body'
            : `The ${part}`
    const message =
      typeof custom === 'string' && error.keyword !== 'required' ? custom : describe(error, subject)
    byField.set(field, field ? { message, field } : { message })
  }
  return [...byField.values()]
}
