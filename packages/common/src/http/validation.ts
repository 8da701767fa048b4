import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import type { ErrorItem } from '../errors/app-error.js'

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
  return ajv
}

const bodyAjv = createAjv('body')
const textAjv = createAjv('text')

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema)

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
    const custom = (error.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage
    const subject = field ? label(field) : part === 'body' ? 'The request body' : `The ${part}`
    const message =
      typeof custom === 'string' && error.keyword !== 'required' ? custom : describe(error, subject)
    byField.set(field, field ? { message, field } : { message })
  }
  return [...byField.values()]
}
