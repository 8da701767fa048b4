import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_EMAIL, startAuth } from '../../../services/auth/test/helpers.js'
import { startOrders } from '../../../services/orders/test/helpers.js'
import { startPayments } from '../../../services/payments/test/helpers.js'
import { startTickets } from '../../../services/tickets/test/helpers.js'
import { hostileBody, hostileContentType, hostileId, hostileQuery, hostileText } from '../src/arbitraries.js'
import { contractBreaches } from '../src/contract.js'
import { operations, type Operation } from '../src/operations.js'

// Every operation of every service in-process, with generated hostile bodies, queries, ids and headers,
// signed in or not: no answer may be a 5xx or an error off the common shape. FUZZ_RUNS sets the runs per
// operation; FUZZ_SEED replays a failing run (a failure's message ends with the command that replays it).
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))

type Service = keyof typeof operations
interface Target {
  app: FastifyInstance
  /** The cookies of a signed-in member (an admin for auth, so that its admin routes are reached too). */
  cookies: Record<string, string>
  close(): Promise<void>
}

const starters: Record<Service, () => Promise<Target>> = {
  async auth() {
    const auth = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: '1000000' })
    const admin = await auth.signUp(ADMIN_EMAIL)
    return { app: auth.app, cookies: admin.cookies, close: () => auth.close() }
  },
  async tickets() {
    const tickets = await startTickets()
    return { app: tickets.app, cookies: (await tickets.user()).cookies, close: () => tickets.close() }
  },
  async orders() {
    const orders = await startOrders()
    return { app: orders.app, cookies: (await orders.buyer()).cookies, close: () => orders.close() }
  },
  async payments() {
    const payments = await startPayments()
    return { app: payments.app, cookies: (await payments.buyer()).cookies, close: () => payments.close() }
  },
}

/** One generated request for an operation. */
function hostileRequest(operation: Operation) {
  return fc.record({
    id: hostileId,
    query: hostileQuery(operation.query ?? []),
    body: operation.body ? hostileBody(operation.body, operation.plausible) : fc.constant(undefined),
    contentType: operation.body ? hostileContentType : fc.constant(undefined),
    header: fc.option(
      hostileText.filter((text) => /^[\x20-\x7e]*$/.test(text)),
      { nil: undefined },
    ),
    signedIn: fc.oneof(
      { weight: 3, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
  })
}

for (const service of Object.keys(operations) as Service[]) {
  describe(`${service}, probed with hostile input`, () => {
    let target: Target
    beforeAll(async () => {
      target = await starters[service]()
    }, 60_000)
    afterAll(() => target?.close())

    it.each(
      operations[service].map((operation: Operation) => [`${operation.method} ${operation.path}`, operation]),
    )(
      '%s never answers 5xx nor off the common shape',
      async (_name, operation: Operation) => {
        // The hand-kept list is checked against the app, so a renamed route is not probed in vain.
        expect(target.app.hasRoute({ method: operation.method, url: operation.path })).toBe(true)
        await fc
          .assert(
            fc.asyncProperty(hostileRequest(operation), async (request) => {
              const url = operation.path.replace(':id', request.id) + request.query
              const response = await target.app.inject({
                method: operation.method,
                url,
                headers: {
                  ...(request.contentType !== undefined && { 'content-type': request.contentType }),
                  ...(request.header !== undefined &&
                    Object.fromEntries((operation.headers ?? []).map((name) => [name, request.header]))),
                },
                cookies: request.signedIn ? target.cookies : {},
                ...(request.body !== undefined && { payload: request.body }),
              })
              const breaches = contractBreaches(response)
              if (breaches.length > 0) {
                throw new Error(`${operation.method} ${url} ${request.body ?? ''}\n${breaches.join('\n')}`)
              }
            }),
            { numRuns: RUNS, seed: SEED, endOnFailure: true },
          )
          .catch((error: unknown) => {
            const replay = `replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`
            throw new Error(`${error instanceof Error ? error.message : String(error)}\n${replay}`, {
              cause: error,
            })
          })
      },
      120_000,
    )
  })
}
