import fc from 'fast-check'
import type { JsonSchema } from './openapi.js'

/**
 * A leaf written into the JSON text as it is: numbers JSON can write and JavaScript cannot hold (`1e999` is
 * Infinity once parsed, `1e-400` is 0), which JSON.stringify could never produce.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** The JSON text of a generated value, RawJson leaves included. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([key, member]) => `${JSON.stringify(key)}:${jsonText(member)}`)
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** Ids seen in answers (tickets, orders, users…), so that generated paths and bodies reach real rows. */
export interface IdPool {
  ids(): readonly string[]
}

/** Strings that broke, or could break, something between the socket and the database. */
export const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '%00',
  '../../etc/passwd',
  '..%2F..%2F',
  "'; drop table tickets; --",
  '<script>alert(1)</script>',
  '\u202egnp.exe',
  '👩‍👩‍👧‍👦',
  ' ',
  '',
  '\t\r\n',
  'NaN',
  'Infinity',
  '1e999',
  '0x10',
  '{{7*7}}',
  '${jndi:ldap://x}',
  'e\u0301'.repeat(20),
  '\ufeff',
  'null',
  'x'.repeat(10_000),
  '€'.repeat(3_000),
]

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
)

const hostileNumber = fc.constantFrom<unknown>(
  new RawJson('1e999'),
  new RawJson('-1e999'),
  new RawJson('1e-400'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('-0'),
  new RawJson('1.0000000000000000000001'),
  1e-9,
  -1,
  0,
  0.1 + 0.2,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  2 ** 31,
  -(2 ** 53),
  1e21,
)

const wrongType = fc.constantFrom<unknown>(null, true, false, [], {}, [1, 2], { $gt: '' }, '10', 10, ['a'])

/** Anything a hostile client might put in a JSON field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 2, arbitrary: wrongType },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]

function stringFor(schema: JsonSchema, pool: IdPool): fc.Arbitrary<string> {
  const maxLength = schema.maxLength ?? 60
  switch (schema.format) {
    case 'uuid':
      return fc.oneof(
        fc.nat().map((index) => pool.ids()[index % Math.max(pool.ids().length, 1)] ?? crypto.randomUUID()),
        fc.uuid({ version: 4 }),
      )
    case 'email':
      return fc.emailAddress().filter((email) => email.length <= maxLength)
    case 'date-time':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString())
    case 'date':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10))
    case 'uri':
      return fc.webUrl()
  }
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u')
    return fc.stringMatching(pattern).filter((value) => value.length <= maxLength)
  }
  return fc.string({
    unit: 'grapheme',
    minLength: schema.minLength ?? 0,
    maxLength: Math.max(schema.minLength ?? 0, Math.min(maxLength, 80)),
  })
}

function numberFor(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.exclusiveMinimum ?? schema.minimum ?? -1_000_000
  const high = schema.exclusiveMaximum ?? schema.maximum ?? 1_000_000
  const integers = fc.integer({
    min: Math.max(Math.ceil(low), Number.MIN_SAFE_INTEGER),
    max: Math.min(Math.floor(high), Number.MAX_SAFE_INTEGER),
  })
  if (integer) return integers
  const step = schema.multipleOf
  if (step) {
    return fc
      .integer({ min: Math.ceil(low / step), max: Math.floor(high / step) })
      .map((n) => Number((n * step).toFixed(10)))
  }
  // Prices and amounts: whole, cents, and doubles with any number of decimals.
  return fc.oneof(
    integers,
    integers.map((n) => Math.min(high, Math.max(low, n + 0.99))),
    fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true }),
  )
}

/**
 * Values the schema allows (as far as JSON Schema can say: a price's decimals or a title's trimmed length are
 * rules beyond it, so some are refused, which is the point). Unknown keywords are ignored.
 */
export function validValue(schema: JsonSchema, pool: IdPool): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const options = schema.anyOf ?? schema.oneOf
  if (options) return fc.oneof(...options.map((option) => validValue(option, pool)))
  if (schema.allOf?.[0]) return validValue(schema.allOf[0], pool)
  const types = typesOf(schema)
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue({ ...schema, type }, pool)))
  switch (types[0]) {
    case 'object': {
      const properties = schema.properties ?? {}
      const shape = Object.fromEntries(
        Object.entries(properties).map(([key, property]) => [key, validValue(property, pool)]),
      )
      return fc.record(shape, { requiredKeys: schema.required ?? [] })
    }
    case 'array':
      return fc.array(validValue(schema.items ?? {}, pool), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      })
    case 'string':
      return stringFor(schema, pool)
    case 'integer':
      return numberFor(schema, true)
    case 'number':
      return numberFor(schema, false)
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/**
 * A body that is valid but for one thing: a field given a hostile value, a required field left out, a field the
 * schema does not know, or the whole body not an object.
 */
export function mutatedBody(schema: JsonSchema, pool: IdPool): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {})
  const base = validValue(schema, pool) as fc.Arbitrary<Record<string, unknown>>
  const mutations: fc.WeightedArbitrary<unknown>[] = [
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          base,
          fc.constantFrom('__proto__', 'constructor', 'userId', 'role', 'id', 'version'),
          hostileValue,
        )
        .map(([body, key, value]) => ({ ...body, [key]: value })),
    },
    { weight: 1, arbitrary: fc.oneof(hostileValue, fc.constantFrom<unknown>(null, [], 'body', 42)) },
  ]
  if (keys.length > 0) {
    mutations.push(
      {
        weight: 6,
        arbitrary: fc
          .tuple(base, fc.constantFrom(...keys), hostileValue)
          .map(([body, key, value]) => ({ ...body, [key]: value })),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(base, fc.constantFrom(...keys)).map(([body, key]) => {
          const { [key]: _left, ...rest } = body
          return rest
        }),
      },
    )
  }
  return fc.oneof(...mutations)
}

/** Query and path values as text: what the schema allows, written as a client would. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : jsonText(value)
}

/** Query parameter values a hostile client sends (URL-encoded by the caller). */
export const hostileQueryValue: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc.constantFrom('-1', '0', '1e999', '99999999999999999999', '0.5', '1e-9', 'NaN', ' 5', '５', 'true', '[]'),
)

/** Path segments a hostile client sends, as they go on the wire (some deliberately not valid encoding). */
export const hostilePathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%2F',
    '..',
    '%2e%2e',
    '..%2F..%2Fusers',
    '%00',
    '%',
    '%zz',
    '%C0%AF',
    '%5C',
    '%20',
    ';x=1',
    'a'.repeat(3_000),
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
    '0f8fad5bd9cb469fa16570867728950e',
    '0f8fad5b-d9cb-469f-a165-70867728950e-x',
    '%F0%9F%98%80',
    '-1',
  ),
  hostileString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, 'x'))),
)
