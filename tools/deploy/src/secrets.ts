import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateJwtKeyPair, serviceNames, services, type ServiceName } from '@ticketing/common'

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url))

/** Where `npm run keys` writes, and where the base kustomization's secretGenerator reads (gitignored). */
export const secretsFolder = path.join(repositoryRoot, 'deploy/k8s/base/secrets')

/** The services that keep rate limits or timers in Redis (their config declares REDIS_URL). */
export const redisUsers: readonly ServiceName[] = ['auth', 'orders', 'expiration']

/** In-cluster addresses, as the manifests name the Services. */
const POSTGRES_HOST = 'postgres-rw:5432'
const REDIS_HOST = 'redis:6379'

const password = () => randomBytes(24).toString('hex')

/**
 * How NATS must be given a password through a `$VARIABLE` of its configuration: NATS parses the variable's value
 * as configuration, so a bare value that begins with a digit is read as a number and refused. Quoted, it is
 * always the string itself.
 */
export const natsVariableValue = (password: string) => JSON.stringify(password)

/** What NATS reads from such a variable's value. */
export const fromNatsVariable = (value: string) =>
  value.startsWith('"') ? (JSON.parse(value) as string) : value

/** A kustomize env file: one KEY=value a line, values on one line (JWKs are one-line JSON). */
function envFile(entries: Record<string, string>): string {
  return `${Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`
}

export interface SecretInputs {
  /** Stripe's keys, when the site charges real cards; empty otherwise (payments then refuses to start in prod). */
  stripeSecretKey?: string
  stripeWebhookSecret?: string
}

/**
 * Every secret value of the Kubernetes manifests, freshly generated: the JWT EdDSA key pair, tickets' credential
 * signing key, one NATS password
 * per service, one database login per service, Redis's and the dev PostgreSQL superuser's passwords. Returns the
 * files (name → content) that the base kustomization's secretGenerator reads.
 */
export async function generateSecretFiles(inputs: SecretInputs = {}): Promise<Record<string, string>> {
  const { privateJwk, publicJwk } = await generateJwtKeyPair()
  // tickets signs holders' entry credentials with a key of its own.
  const credentialKey = (await generateJwtKeyPair()).privateJwk
  const publicKeys = JSON.stringify([publicJwk])
  const redisPassword = password()
  const natsPasswords = Object.fromEntries(serviceNames.map((name) => [name, password()])) as Record<
    ServiceName,
    string
  >
  const files: Record<string, string> = {}
  const natsEnv: Record<string, string> = {}

  for (const name of serviceNames) {
    const entries: Record<string, string> = {}
    if (name === 'auth') entries.JWT_PRIVATE_KEY = JSON.stringify(privateJwk)
    if (name === 'tickets') entries.CREDENTIAL_PRIVATE_KEY = JSON.stringify(credentialKey)
    if (name !== 'expiration') entries.JWT_PUBLIC_KEYS = publicKeys
    entries.NATS_USER = name
    entries.NATS_PASSWORD = natsPasswords[name]
    natsEnv[`${name.toUpperCase()}_NATS_PASSWORD`] = natsVariableValue(natsPasswords[name])
    const database = services[name].database
    if (database) {
      const dbPassword = password()
      entries.DATABASE_URL = `postgres://${name}:${dbPassword}@${POSTGRES_HOST}/${database}`
      files[`db-${name}.env`] = envFile({ username: name, password: dbPassword })
    }
    if (redisUsers.includes(name)) entries.REDIS_URL = `redis://:${redisPassword}@${REDIS_HOST}`
    if (name === 'payments') {
      entries.STRIPE_SECRET_KEY = inputs.stripeSecretKey ?? ''
      entries.STRIPE_WEBHOOK_SECRET = inputs.stripeWebhookSecret ?? ''
    }
    files[`${name}.env`] = envFile(entries)
  }
  files['nats.env'] = envFile(natsEnv)
  files['redis.env'] = envFile({ REDIS_PASSWORD: redisPassword })
  files['postgres.env'] = envFile({ POSTGRES_PASSWORD: password() })
  return files
}

/**
 * Writes the secret files into `folder` unless they are all there already (regenerating would sign everyone
 * out and lock the services out of databases created with the old passwords); `force` writes them anew.
 */
export async function writeSecretFiles(
  folder: string,
  options: SecretInputs & { force?: boolean } = {},
): Promise<{ written: boolean; files: string[] }> {
  const files = await generateSecretFiles(options)
  const names = Object.keys(files)
  if (!options.force && names.every((name) => existsSync(path.join(folder, name)))) {
    return { written: false, files: names }
  }
  await mkdir(folder, { recursive: true, mode: 0o700 })
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(folder, name), content, { mode: 0o600 })
  }
  return { written: true, files: names }
}
