import { randomUUID } from 'node:crypto'
import { createDb } from '@ticketing/common'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { AddressClient } from '../src/address-client.js'
import { eventually, startTestStack, type TestStack } from '../src/test-stack.js'

// The abuse limits of issue 14, black box through the gateway. Each "client" connects from a loopback address
// of its own, which the gateway sees and forwards: the limits are keyed on it.
const PASSWORD = 'correct horse battery staple'
const GRACE_SECONDS = 2

let stack: TestStack
let ordersDb: Kysely<{ ticket_replicas: { id: string } }>
let clients = 0
let people = 0

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      SIGNIN_FAILURE_LIMIT: '3',
      MAX_OPEN_ORDERS_PER_USER: '2',
      ORDER_RATE_LIMIT_PER_MINUTE: '10',
      REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS),
    },
  })
  ordersDb = createDb(stack.databaseUrls.orders!, { max: 1 })
}, 180_000)

afterAll(async () => {
  await ordersDb?.destroy()
  await stack?.cleanup()
}, 60_000)

/** A client at 127.0.0.<n>, n different for each. */
const fromNewAddress = () => new AddressClient(stack.url, `127.0.0.${10 + ++clients}`)
const newEmail = () => `abuse${++people}-${stack.namespace}@example.com`

async function signedUp(client = fromNewAddress()) {
  const email = newEmail()
  const response = await client.post<{ id: string }>('/api/users/signup', { email, password: PASSWORD })
  expect(response.status).toBe(201)
  return Object.assign(client, { email, id: response.body.id })
}

describe('sign-in', { timeout: 60_000 }, () => {
  test('a malformed or over-long email and a blank password are 400 naming their field', async () => {
    const client = fromNewAddress()
    const cases = [
      [{ email: 'not-an-email', password: PASSWORD }, 'email'],
      [{ email: `${'a'.repeat(250)}@example.com`, password: PASSWORD }, 'email'],
      [{ email: newEmail(), password: '' }, 'password'],
    ] as const
    for (const [body, field] of cases) {
      const response = await client.post<{ errors: { field?: string }[] }>('/api/users/signin', body)
      expect(response.status).toBe(400)
      expect(response.body.errors).toEqual([expect.objectContaining({ field })])
    }
  })

  test('a guesser is throttled (429 with Retry-After) but cannot lock the owner out from elsewhere', async () => {
    const owner = await signedUp()
    const stranger = fromNewAddress()
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await stranger.post('/api/users/signin', { email: owner.email, password: 'guess' })
      expect(wrong.status).toBe(400)
    }
    const limited = await stranger.post('/api/users/signin', { email: owner.email, password: PASSWORD })
    expect(limited.status).toBe(429)
    expect(limited.body).toEqual({ errors: [{ message: 'Too many failed sign-ins; try again later' }] })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)

    const ownerElsewhere = fromNewAddress()
    const signedIn = await ownerElsewhere.post('/api/users/signin', {
      email: owner.email,
      password: PASSWORD,
    })
    expect(signedIn.status).toBe(200)
  })

  test('parallel wrong guesses cannot exceed the limit', async () => {
    const owner = await signedUp()
    const guesser = fromNewAddress()
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        guesser.post('/api/users/signin', { email: owner.email, password: 'guess' }),
      ),
    )
    const statuses = answers.map((answer) => answer.status).sort()
    expect(statuses).toEqual([400, 400, 400, ...Array<number>(7).fill(429)])
  })
})

describe('sessions', { timeout: 60_000 }, () => {
  test('sign-out is read-your-writes: the old access token is refused as soon as it answers', async () => {
    const user = await signedUp()
    const session = user.cookie('session')!
    expect(
      (await user.get<{ currentUser: unknown }>('/api/users/currentuser')).body.currentUser,
    ).not.toBeNull()
    expect((await user.post('/api/users/signout')).status).toBe(200)
    const replayed = fromNewAddress()
    replayed.setCookie('session', session)
    expect((await replayed.get('/api/users/currentuser')).body).toEqual({ currentUser: null })
  })

  test('the same refresh token twice at once (two tabs) keeps both signed in; after the grace it ends the session', async () => {
    const user = await signedUp()
    const refreshToken = user.cookie('refresh')!
    const tabs = [fromNewAddress(), fromNewAddress()]
    for (const tab of tabs) tab.setCookie('refresh', refreshToken)
    const answers = await Promise.all(tabs.map((tab) => tab.post('/api/users/refresh')))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200])
    for (const tab of tabs) {
      const me = await tab.get<{ currentUser: { id: string } | null }>('/api/users/currentuser')
      expect(me.body.currentUser?.id).toBe(user.id)
    }

    await new Promise((resolve) => setTimeout(resolve, (GRACE_SECONDS + 1) * 1000))
    const thief = fromNewAddress()
    thief.setCookie('refresh', refreshToken)
    expect((await thief.post('/api/users/refresh')).status).toBe(401)
    // The reuse revoked the whole session family: the tabs' renewed refresh tokens are dead too.
    expect((await tabs[0]!.post('/api/users/refresh')).status).toBe(401)
  })
})

describe('orders', { timeout: 60_000 }, () => {
  /** Tickets listed by a new seller, once orders' replica has every one of them. */
  async function listedTickets(count: number): Promise<string[]> {
    const seller = await signedUp()
    const ids: string[] = []
    for (let index = 0; index < count; index++) {
      const created = await seller.post<{ id: string }>('/api/tickets', {
        title: `Limit show ${index}`,
        price: 20,
      })
      expect(created.status).toBe(201)
      ids.push(created.body.id)
    }
    await eventually(
      async () => {
        const { rows } = await sql<{ count: string }>`
          select count(*) from ticket_replicas where id in (${sql.join(ids)})`.execute(ordersDb)
        return Number(rows[0]!.count) === count ? true : undefined
      },
      { what: 'the tickets reaching orders' },
    )
    return ids
  }

  test('a member holds at most MAX_OPEN_ORDERS_PER_USER open orders, also when reserving in parallel', async () => {
    const tickets = await listedTickets(5)
    const buyer = await signedUp()
    const answers = await Promise.all(tickets.map((ticketId) => buyer.post('/api/orders', { ticketId })))
    const statuses = answers.map((answer) => answer.status).sort()
    expect(statuses).toEqual([201, 201, 400, 400, 400])
    expect(answers.find((answer) => answer.status === 400)!.body).toEqual({
      errors: [{ message: 'You already have 2 open orders, the most allowed; pay for or cancel one first' }],
    })
    const mine = await buyer.get<{ status: string }[]>('/api/orders')
    // Open: created, or awaiting:payment once tickets confirmed the hold.
    expect(mine.body.filter((order) => order.status !== 'cancelled')).toHaveLength(2)
  })

  test('reservations per member are rate-limited: 429 with Retry-After, other members unaffected', async () => {
    const eager = await signedUp()
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await eager.post('/api/orders', { ticketId: randomUUID() })).status).toBe(404)
    }
    const limited = await eager.post('/api/orders', { ticketId: randomUUID() })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    const other = await signedUp()
    expect((await other.post('/api/orders', { ticketId: randomUUID() })).status).toBe(404)
  })
})
