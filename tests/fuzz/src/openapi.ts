/**
 * The part of an OpenAPI 3.1 document the fuzzer reads: operations, their parameters, bodies and the statuses
 * they may answer. Schemas are JSON Schema (2020-12 as OpenAPI 3.1 has it); `$ref`s into the document's
 * components are resolved here, so the rest of the fuzzer sees plain schemas.
 */
export type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  multipleOf?: number
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  $ref?: string
  [keyword: string]: unknown
}

interface ParameterObject {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: JsonSchema
}

interface OperationObject {
  operationId?: string
  parameters?: ParameterObject[]
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> }
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>
}

export interface OpenApiDocument {
  openapi: string
  info?: { title?: string }
  paths: Record<string, Record<string, unknown>>
  components?: { schemas?: Record<string, JsonSchema> }
}

export interface Parameter {
  name: string
  required: boolean
  schema: JsonSchema
}

export interface Operation {
  /** `GET /api/tickets/{id}`: how failures name it. */
  name: string
  method: string
  /** The path template, `{name}` for each path parameter. */
  path: string
  pathParameters: Parameter[]
  query: Parameter[]
  headers: Parameter[]
  body?: { required: boolean; schema: JsonSchema }
  /** The statuses the document lists for it (`4XX`-style ranges expanded by `answers`). */
  statuses: string[]
  /** The schema of each documented JSON answer, by status. */
  answerSchemas: Record<string, JsonSchema>
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch']

/** Resolves `#/components/...` references everywhere in a schema (documents have no cycles here). */
function resolve(schema: JsonSchema | undefined, document: OpenApiDocument, depth = 0): JsonSchema {
  if (!schema || typeof schema !== 'object') return {}
  if (depth > 32) throw new Error('a schema nested deeper than 32 levels: a reference cycle?')
  if (schema.$ref) {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], document)
    if (!target) throw new Error(`unresolved reference ${schema.$ref}`)
    return resolve(target as JsonSchema, document, depth + 1)
  }
  const resolved: JsonSchema = { ...schema }
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [key, resolve(value, document, depth + 1)]),
    )
  }
  if (schema.items) resolved.items = resolve(schema.items, document, depth + 1)
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    resolved.additionalProperties = resolve(schema.additionalProperties, document, depth + 1)
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (schema[key]) resolved[key] = schema[key].map((option) => resolve(option, document, depth + 1))
  }
  return resolved
}

/** Every operation of a document, with what it takes and what it may answer. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(document.paths)) {
    const shared = (item.parameters as ParameterObject[] | undefined) ?? []
    for (const method of METHODS) {
      const operation = item[method] as OperationObject | undefined
      if (!operation) continue
      const parameters = [...shared, ...(operation.parameters ?? [])].map((parameter) => ({
        in: parameter.in,
        name: parameter.name,
        required: parameter.in === 'path' || parameter.required === true,
        schema: resolve(parameter.schema, document),
      }))
      const json = Object.entries(operation.requestBody?.content ?? {}).find(([type]) =>
        type.startsWith('application/json'),
      )
      const answerSchemas: Record<string, JsonSchema> = {}
      for (const [status, answer] of Object.entries(operation.responses ?? {})) {
        const content = Object.entries(answer.content ?? {}).find(([type]) => type.includes('json'))
        if (content?.[1].schema) answerSchemas[status] = resolve(content[1].schema, document)
      }
      operations.push({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParameters: parameters.filter((parameter) => parameter.in === 'path'),
        query: parameters.filter((parameter) => parameter.in === 'query'),
        headers: parameters.filter((parameter) => parameter.in === 'header'),
        ...(json && {
          body: {
            required: operation.requestBody?.required === true,
            schema: resolve(json[1].schema, document),
          },
        }),
        statuses: Object.keys(operation.responses ?? {}),
        answerSchemas,
      })
    }
  }
  return operations
}

/** Whether the document lists `status` for the operation, exactly, as a range (`4XX`) or as `default`. */
export function documents(operation: Operation, status: number): boolean {
  return operation.statuses.some(
    (listed) => listed === String(status) || listed === `${String(status)[0]}XX` || listed === 'default',
  )
}

/** The documented schema for an answer's status, if there is one. */
export function answerSchema(operation: Operation, status: number): JsonSchema | undefined {
  return (
    operation.answerSchemas[String(status)] ??
    operation.answerSchemas[`${String(status)[0]}XX`] ??
    operation.answerSchemas.default
  )
}
