import Type, { type Static, type TObject, type TProperties } from 'typebox'
import Value from 'typebox/value'

export interface ConfigProblem {
  variable: string
  message: string
}

/** A configuration the process cannot start with; its message names every bad or missing variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join('\n')}`,
    )
    this.name = 'ConfigError'
  }
}

/** Variables every service reads. Spread into a service's schema: Type.Object({ ...commonEnv, DATABASE_URL }). */
export const commonEnv = {
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], {
    default: 'development',
  }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  /**
   * Where `GET /metrics` (Prometheus) is served, on HOST, apart from the API: 9464 in Kubernetes, a free port
   * per process from the local launcher. Unset: no metrics listener (two instances on one host would otherwise
   * fight over a default port).
   */
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
} satisfies TProperties

/** Where a service's database is. */
export const databaseEnv = {
  DATABASE_URL: Type.String({ format: 'uri' }),
} satisfies TProperties

/** The event bus and the namespace of every subject and stream. */
export const busEnv = {
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  /** The service's own user on the bus and its password (DESIGN §6); without them it connects without any. */
  NATS_USER: Type.Optional(Type.String()),
  NATS_PASSWORD: Type.Optional(Type.String()),
  EVENTS_NAMESPACE: Type.String({ pattern: '^[a-z][a-z0-9]*$', default: 'ticketing' }),
  /** Copies JetStream keeps of each stream: 1 on one server, 3 on a cluster. A start never lowers it. */
  EVENTS_REPLICAS: Type.Integer({ minimum: 1, maximum: 5, default: 1 }),
} satisfies TProperties

/** What every service needs to authenticate requests on its own. */
export const authEnv = {
  /** Public JWKs (a JSON array) of auth's current and recently rotated signing keys. */
  JWT_PUBLIC_KEYS: Type.Optional(Type.String()),
  /** Development only: where the generated key pair is kept when no key is configured. */
  JWT_DEV_KEY_FILE: Type.String({ default: '.data/keys/jwt-dev.json' }),
  /** The site's own address; with ALLOWED_ORIGINS, the origins allowed to send state-changing requests. */
  PUBLIC_URL: Type.String({ format: 'uri', default: 'http://localhost:3000' }),
  ALLOWED_ORIGINS: Type.String({ default: '' }),
  COOKIE_SECURE: Type.Boolean({ default: false }),
} satisfies TProperties

/** PUBLIC_URL and ALLOWED_ORIGINS (comma-separated) as one list. */
export function allowedOrigins(config: { PUBLIC_URL: string; ALLOWED_ORIGINS: string }): string[] {
  return [config.PUBLIC_URL, ...config.ALLOWED_ORIGINS.split(',').map((origin) => origin.trim())].filter(
    Boolean,
  )
}

function describe(keyword: string, params: Record<string, unknown>, message: string): string {
  if (keyword === 'type') return `must be ${String(params.type)}`
  if (keyword === 'const' || keyword === 'anyOf') return 'is not one of the allowed values'
  return message
}

/**
 * Reads the variables a schema declares from the environment, once, at boot: converted to their types,
 * defaults applied, frozen. Empty strings count as unset. Throws ConfigError naming each problem.
 */
export function loadConfig<P extends TProperties>(
  schema: TObject<P>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<Static<TObject<P>>> {
  const raw: Record<string, unknown> = {}
  for (const name of Object.keys(schema.properties)) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[name] = value
  }
  const value = Value.Default(schema, Value.Convert(schema, raw)) as Record<string, unknown>
  if (Value.Check(schema, value)) return Object.freeze(value)

  // Checked variable by variable, so every bad one is named, each once.
  const required = new Set((schema.required as string[] | undefined) ?? [])
  const problems: ConfigProblem[] = []
  for (const [variable, property] of Object.entries(schema.properties)) {
    if (value[variable] === undefined) {
      if (required.has(variable)) problems.push({ variable, message: 'is required' })
      continue
    }
    const [error] = Value.Errors(property, value[variable])
    if (!error) continue
    const message = describe(error.keyword, error.params, error.message)
    problems.push({ variable, message: `${message} (got ${JSON.stringify(raw[variable])})` })
  }
  throw new ConfigError(problems)
}
