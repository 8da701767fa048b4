import { hash, verify } from '@node-rs/argon2'

/** Algorithm.Argon2id: a const enum, which isolated modules cannot read. */
const ARGON2ID = 2

/** argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 iterations, 1 lane. */
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

/** A real hash of nothing anyone knows, verified against when the email is unknown: same cost, same answer time. */
const unknownUserHash = hashPassword(crypto.randomUUID())

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    await verify(await unknownUserHash, password)
    return false
  }
  return verify(passwordHash, password)
}
