import type { ApiClient } from '@ticketing/stack'
import { startTestStack, type TestStack } from '@ticketing/system-tests'
import type { Identity } from './fuzz.js'
import type { OpenApiDocument } from './openapi.js'

/** The four documents, as DESIGN §3 serves them through the gateway. */
export const DOCUMENT_PATHS = [
  '/api/users/openapi.json',
  '/api/tickets/openapi.json',
  '/api/orders/openapi.json',
  '/api/payments/openapi.json',
]

export interface FuzzTarget {
  stack: TestStack
  documents: OpenApiDocument[]
  identities: Identity[]
  /** The identities' user ids: never banned or otherwise aimed at by generated paths. */
  protectedIds: string[]
}

const ADMIN = 'admin@fuzz.test'

const cookiesOf = (client: ApiClient) => () =>
  ['session', 'refresh', 'signed_in']
    .flatMap((name) => (client.cookie(name) ? [`${name}=${client.cookie(name)}`] : []))
    .join('; ') || undefined

/**
 * The whole stack as `npm start` runs it, with limits raised so that the fuzzer meets the rules rather than the
 * rate limiter at every turn, a member and an admin signed in, and the documents it publishes.
 */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const stack = await startTestStack({ env: { ADMIN_EMAILS: ADMIN } })
  try {
    const documents = await Promise.all(
      DOCUMENT_PATHS.map(async (path) => {
        const answer = await stack.visitor().get<OpenApiDocument>(path)
        if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`)
        return answer.body
      }),
    )
    const member = await stack.signUp()
    const admin = await stack.signUp(ADMIN)
    return {
      stack,
      documents,
      identities: [
        { name: 'anonymous', cookie: () => undefined },
        { name: 'member', cookie: cookiesOf(member) },
        { name: 'admin', cookie: cookiesOf(admin) },
      ],
      protectedIds: [member.id, admin.id],
    }
  } catch (error) {
    await stack.cleanup()
    throw error
  }
}
