import { randomUUID } from 'node:crypto'
import {
  AccessTokenSigner,
  generateJwtKeyPair,
  loadJwtKeys,
  type JwtKeys,
  type Role,
} from '@ticketing/common'

export interface TestUser {
  id: string
  email: string
  /** The session cookie, as auth would have set it. */
  cookies: { session: string }
}

/**
 * Signed-in users without the auth service: a key pair of the test's own, the public half for the service
 * under test (`keys`), the private half to sign session cookies as auth would.
 */
export async function testSessions() {
  const { privateJwk, publicJwk } = await generateJwtKeyPair()
  const keys: JwtKeys = await loadJwtKeys({ publicKeys: JSON.stringify([publicJwk]) })
  const signer = new AccessTokenSigner(await loadJwtKeys({ privateKey: JSON.stringify(privateJwk) }))
  return {
    keys,
    publicJwk,
    async user(role: Role = 'user'): Promise<TestUser> {
      const id = randomUUID()
      const email = `${id}@example.com`
      const session = await signer.sign({ userId: id, email, role, sessionId: randomUUID() })
      return { id, email, cookies: { session } }
    },
  }
}
