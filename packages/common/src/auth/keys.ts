import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { ConfigError } from '../config/load-config.js'

type SigningKey = Awaited<ReturnType<typeof importJWK>>

/** The keys a service holds: every service can verify; only auth, holding the private key, can sign. */
export interface JwtKeys {
  /** Public keys by `kid`, current and rotated-out ones still accepted. */
  publicKeys: JWK[]
  signing?: { kid: string; privateKey: SigningKey }
}

export interface JwtKeySources {
  /** JWT_PRIVATE_KEY: an Ed25519 private JWK with a `kid` (auth only). */
  privateKey?: string
  /** JWT_PUBLIC_KEYS: a JSON array of public JWKs, or a JWKS `{ "keys": [...] }`. */
  publicKeys?: string
  /**
   * Where a development key pair lives when none is configured; created at first start, outside git
   * (`.data/`). A relative path is taken from the repository root, so every service finds the same pair
   * whatever folder it runs in. Leave undefined in production, where missing keys stop the service.
   */
  developmentKeyFile?: string
  /** auth signs: it needs the private key (or the development pair) even when public keys are given. */
  forSigning?: boolean
  /** The variable the private key comes from, as errors name it (another signer's key: tickets' credentials). */
  privateKeyVariable?: string
}

/** The monorepo's root: the nearest folder up from here whose package.json declares workspaces. */
function repositoryRoot(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        workspaces?: unknown
      }
      if (manifest.workspaces) return dir
    } catch {
      // no package.json here: keep walking up
    }
    if (path.dirname(dir) === dir) return process.cwd()
  }
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, kid } = jwk
  return { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' }
}

function parseJson(variable: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new ConfigError([{ variable, message: 'is not valid JSON' }])
  }
}

function checkEd25519(variable: string, jwk: JWK, needsPrivate: boolean): JWK {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x || !jwk.kid || (needsPrivate && !jwk.d)) {
    throw new ConfigError([
      { variable, message: `must be an Ed25519 ${needsPrivate ? 'private' : 'public'} JWK with a kid` },
    ])
  }
  return jwk
}

/** Reads the development key pair, creating it on first use; racing starts agree on one file. */
async function developmentKey(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), kid: `dev-${randomUUID().slice(0, 8)}`, alg: 'EdDSA' }
  await mkdir(path.dirname(file), { recursive: true })
  try {
    await writeFile(file, `${JSON.stringify(jwk)}\n`, { flag: 'wx', mode: 0o600 })
    return jwk
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return JSON.parse(await readFile(file, 'utf8')) as JWK
  }
}

export async function loadJwtKeys(sources: JwtKeySources): Promise<JwtKeys> {
  const devFile = sources.developmentKeyFile && path.resolve(repositoryRoot(), sources.developmentKeyFile)
  const privateVariable = sources.privateKeyVariable ?? 'JWT_PRIVATE_KEY'
  let privateJwk: JWK | undefined
  if (sources.privateKey) {
    privateJwk = checkEd25519(privateVariable, parseJson(privateVariable, sources.privateKey) as JWK, true)
  } else if (devFile && (sources.forSigning || !sources.publicKeys)) {
    privateJwk = await developmentKey(devFile)
  } else if (sources.forSigning) {
    throw new ConfigError([{ variable: privateVariable, message: 'is required' }])
  }

  const publicKeys: JWK[] = privateJwk ? [publicPart(privateJwk)] : []
  if (sources.publicKeys) {
    const parsed = parseJson('JWT_PUBLIC_KEYS', sources.publicKeys) as JWK[] | { keys: JWK[] }
    const list = Array.isArray(parsed) ? parsed : parsed.keys
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigError([{ variable: 'JWT_PUBLIC_KEYS', message: 'must list at least one key' }])
    }
    for (const jwk of list) {
      const key = publicPart(checkEd25519('JWT_PUBLIC_KEYS', jwk, false))
      if (!publicKeys.some((known) => known.kid === key.kid)) publicKeys.push(key)
    }
  }
  if (publicKeys.length === 0) {
    throw new ConfigError([
      { variable: 'JWT_PUBLIC_KEYS', message: 'is required (or JWT_PRIVATE_KEY for auth)' },
    ])
  }
  return {
    publicKeys,
    signing: privateJwk && {
      kid: privateJwk.kid!,
      privateKey: await importJWK(privateJwk, 'EdDSA'),
    },
  }
}

/** A fresh key pair as JWKs, for tests and for generating production configuration. */
export async function generateJwtKeyPair(
  kid: string = randomUUID(),
): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' }
  return { privateJwk, publicJwk: publicPart(privateJwk) }
}
