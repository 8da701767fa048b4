import { generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { AccessTokenSigner, loadJwtKeys } from '@ticketing/common'
import { ApiClient, repositoryRoot } from '@ticketing/stack'
import pg from 'pg'
import sodium from 'sodium-native'
import { startChildServer } from '../../src/child-process.js'
import type { Measurement, Workload } from '../../src/workload.js'
import { measureVerifications } from '../auth/auth.workload.js'
import { sessionCookies } from '../orders/orders.workload.js'
import { measurePgbench } from '../orders/pgbench.js'
import { cpuPerRequest, type CpuSnapshot } from './cpu.js'
import { npmStart, type RunningStack } from './npm-start.js'
import { expectAll, load, pacedLoad, sendOnNewConnection, summarise, type LoadResult } from './traffic.js'
import { printIssueTable, type StackFigures } from './report.js'

/** Tickets reserved one by one, each once, in the reservation row. */
const TICKETS = 10_000
/** More tickets, reserved in the background at half the reservation maximum while new ones are probed. */
const SPARE_TICKETS = 5_000
const READ_CONNECTIONS = 50
const RESERVATIONS_IN_FLIGHT = 64
const BUYERS = 50
const RACERS = 1_000
const SIGNIN_IN_FLIGHT = 8
const SIGNIN_ROUNDS = 3
const ORDERABLE_PROBES = 200
const ORDERABLE_PROBES_UNDER_LOAD = 100
const PASSWORD = 'correct horse battery staple'

/** Limits that would turn a benchmark's thousands of requests from one address and a few members into 429s. */
const RAISED_LIMITS = {
  MAX_OPEN_ORDERS_PER_USER: '1000000',
  ORDER_RATE_LIMIT_PER_MINUTE: '1000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
  SIGNIN_FAILURE_LIMIT: '1000000',
  SIGNIN_ADDRESS_FAILURE_LIMIT: '1000000',
}

/**
 * The marketplace as its users meet it: `npm start` (built), every request through the gateway, the load
 * generator on the same machine, next to baselines measured in the same run (a bare node:http server,
 * pgbench on the same PostgreSQL server, argon2id verifications with the service's own parameters). Prints
 * issue 16's table, with the figures of the reference run beside this run's.
 */
export const stackWorkload: Workload = {
  name: 'stack',
  description:
    'the whole stack as npm start runs it, through the gateway, vs node:http, pgbench and argon2id',
  async run({ seconds }) {
    const log = (text: string) =>
      process.stderr.write(`  stack ${new Date().toISOString().slice(11, 19)}: ${text}\n`)

    // The baselines first, on a quiet machine, before the stack's processes idle beside them.
    log('baselines: pgbench, node:http, Ed25519')
    const pgbench = await measurePgbench({
      seconds,
      rows: TICKETS,
      clients: RESERVATIONS_IN_FLIGHT,
      // Not in this table (the orders workload reports it); a multiple of the clients, as pgbench needs.
      hotUpdates: RESERVATIONS_IN_FLIGHT * 16,
      selectClients: READ_CONNECTIONS,
    })
    const hello = await startChildServer(
      fileURLToPath(new URL('../framework/node-http-server.ts', import.meta.url)),
    )
    let helloResult: LoadResult
    try {
      helloResult = await load(hello.url, {
        connections: READ_CONNECTIONS,
        seconds,
        warmUp: true,
        next: () => ({ path: `/tickets/${randomUUID()}` }),
      })
    } finally {
      await hello.stop()
    }
    const readBaseline = Math.min(helloResult.perSecond, pgbench.selectsPerSecond)
    const ed25519 = ed25519Verifications(seconds)

    log('npm start')
    const stack = await npmStart(RAISED_LIMITS)
    const db = (service: 'auth' | 'tickets' | 'orders' | 'payments') =>
      new pg.Pool({ connectionString: stack.databaseUrls[service], max: 2 })
    const ordersDb = db('orders')
    const ticketsDb = db('tickets')
    const authDb = db('auth')
    try {
      const origin = { origin: stack.url }
      const seller = await signUp(stack.url, `seller-${stack.namespace}@example.com`)
      const sellerCookie = `session=${seller.cookie('session')}`

      log(`listing ${(TICKETS + SPARE_TICKETS).toLocaleString('en-US')} tickets`)
      const listed = await listTickets(stack.url, sellerCookie, TICKETS + SPARE_TICKETS)
      await waitUntil('orders has every ticket', async () => {
        const { rows } = await ordersDb.query<{ n: string }>('select count(*) as n from ticket_replicas')
        return Number(rows[0]!.n) >= TICKETS + SPARE_TICKETS
      })
      const tickets = listed.ids.slice(0, TICKETS)
      const spare = listed.ids.slice(TICKETS)

      log('GET /api/tickets/:id')
      // A marketplace's cache holds the tickets its visitors read; a second of random reads leaves a varying
      // share of the 10,000 unread, and their first reads (a query each) fell into the measurement instead.
      let warmed = 0
      await load(stack.url, {
        connections: READ_CONNECTIONS,
        amount: tickets.length,
        next: () => ({ path: `/api/tickets/${tickets[warmed++ % tickets.length]}` }),
      })
      const byId = await load(stack.url, {
        connections: READ_CONNECTIONS,
        seconds,
        warmUp: true,
        cpu: stack.cpu,
        next: () => ({ path: `/api/tickets/${tickets[Math.floor(Math.random() * tickets.length)]}` }),
      })
      expectAll('GET /api/tickets/:id', byId, 200)
      log('GET /api/tickets')
      const firstPage = await load(`${stack.url}/api/tickets`, {
        connections: READ_CONNECTIONS,
        seconds,
        warmUp: true,
        cpu: stack.cpu,
      })
      expectAll('GET /api/tickets', firstPage, 200)

      log('home page')
      // The first render compiles and caches what every later one reuses: not what a visitor meets.
      await fetch(stack.url).then((response) => response.text())
      const homePage = await load(`${stack.url}/`, {
        connections: READ_CONNECTIONS,
        seconds,
        warmUp: true,
        cpu: stack.cpu,
      })
      expectAll('GET /', homePage, 200)
      const homeApi = await load(`${stack.url}/api/tickets?limit=24`, {
        connections: READ_CONNECTIONS,
        seconds,
        warmUp: true,
      })
      expectAll('GET /api/tickets?limit=24', homeApi, 200)
      const freshness = await homePageFreshness(stack.url, seller)

      log('ticket created → orderable, at low load')
      const buyers = await Promise.all(
        Array.from({ length: BUYERS }, (_, n) =>
          signUp(stack.url, `buyer${n}-${stack.namespace}@example.com`),
        ),
      )
      const buyerCookies = buyers.map((buyer) => `session=${buyer.cookie('session')}`)
      const quiet = await probeOrderable(
        stack,
        { ordersDb, ticketsDb },
        sellerCookie,
        buyerCookies,
        ORDERABLE_PROBES,
      )

      log(`reserving ${TICKETS.toLocaleString('en-US')} tickets`)
      let reserved = 0
      // Statements are read outside the CPU snapshots: reading a service's /metrics costs it CPU too.
      const burstStatementsBefore = await stack.statements()
      const burstCpuBefore = await stack.cpu()
      const reservations = await load(stack.url, {
        connections: RESERVATIONS_IN_FLIGHT,
        amount: TICKETS,
        cpu: stack.cpu,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...origin },
        next: () => {
          const index = reserved++
          return {
            path: '/api/orders',
            body: JSON.stringify({ ticketId: tickets[index] }),
            headers: { cookie: buyerCookies[index % BUYERS]! },
          }
        },
      })
      expectAll('reservations', reservations, 201)

      // The burst leaves events queued behind it (each reservation changes a ticket, whose replicas follow):
      // the probe measures the steady state at half the maximum, not the burst's wake.
      log('waiting for the events of the reservations to settle')
      const settleStarted = performance.now()
      await probeOrderable(stack, { ordersDb, ticketsDb }, sellerCookie, buyerCookies, 1, {
        timeoutMs: 600_000,
      })
      const settleMs = performance.now() - settleStarted
      // What the burst cost in all: its requests, and the events it left queued, applied while it settled.
      const settledCpu = cpuPerRequest(burstCpuBefore, await stack.cpu(), TICKETS)
      const settledStatements = perReservation(burstStatementsBefore, await stack.statements(), TICKETS)

      log('ticket created → orderable, at half the reservation maximum')
      let spareReserved = 0
      const pacedStatementsBefore = await stack.statements()
      const pacedCpuBefore = await stack.cpu()
      const pacedStarted = performance.now()
      const background = pacedLoad(stack.url, {
        maxInFlight: RESERVATIONS_IN_FLIGHT,
        amount: spare.length,
        rate: Math.max(1, reservations.perSecond / 2),
        method: 'POST',
        headers: { 'content-type': 'application/json', ...origin },
        next: () => {
          const index = spareReserved++
          return {
            path: '/api/orders',
            body: JSON.stringify({ ticketId: spare[index] }),
            headers: { cookie: buyerCookies[index % BUYERS]! },
          }
        },
      })
      const underLoad = await probeOrderable(
        stack,
        { ordersDb, ticketsDb },
        sellerCookie,
        buyerCookies,
        ORDERABLE_PROBES_UNDER_LOAD,
        // A poll a millisecond is a thousand queries a second on orders' database, on a machine the paced
        // reservations nearly fill. Every 5 ms, a probe reads late by at most 5 of the 100 it is held to.
        { pollEveryMs: 5 },
      )
      const pacedCpuAfter = await stack.cpu()
      const pacedStatementsAfter = await stack.statements()
      const pacedBusy = busyShare(pacedCpuBefore, pacedCpuAfter, performance.now() - pacedStarted)
      const pacedReservations = spareReserved
      // The probes count only if the load ran the whole time they did.
      const backgroundDone = spareReserved >= spare.length
      const backgroundResult = await background
      expectAll('background reservations', backgroundResult, 201)

      log(`${RACERS.toLocaleString('en-US')} buyers on one ticket`)
      const race = await raceForOne(stack, ordersDb, sellerCookie)

      log('sign-in vs argon2id')
      const signIn = await signInVersusArgon2(stack.url, authDb, seller.email)

      const memory = await stack.memory()
      const doubleSold = await ordersDb.query<{ n: string }>(
        `select count(*) as n from (select ticket_id from orders where status <> 'cancelled'
           group by ticket_id having count(*) > 1) as twice`,
      )
      const figures: StackFigures = {
        ticketById: { ...pick(byId), baseline: readBaseline },
        firstPage: { ...pick(firstPage), baseline: readBaseline },
        readBaselines: { nodeHttp: helloResult.perSecond, pgbenchSelect: pgbench.selectsPerSecond },
        reservations: { ...pick(reservations), baseline: pgbench.updatesPerSecond },
        race: {
          ...race,
          ed25519VerifiesPerSecond: ed25519.nodeCrypto,
          ed25519SodiumVerifiesPerSecond: ed25519.libsodium,
        },
        orderable: {
          quiet,
          underLoad,
          backgroundPerSecond: backgroundResult.perSecond,
          backgroundRanThroughout: !backgroundDone,
          settleAfterBurstMs: settleMs,
          busyShareUnderLoad: pacedBusy,
        },
        homePage: { ...pick(homePage), baseline: homeApi.perSecond, baselineP99Ms: homeApi.latencyP99Ms },
        freshness,
        signIn,
        memory: {
          processes: memory.length,
          rssMb: sum(memory.map((process) => process.rssMb)),
          pssMb: sum(memory.map((process) => process.pssMb)),
          byProcess: memory,
        },
        cpuMicrosPerRequest: {
          ticketById: byId.cpuMicrosPerRequest ?? {},
          firstPage: firstPage.cpuMicrosPerRequest ?? {},
          homePage: homePage.cpuMicrosPerRequest ?? {},
          reservations: reservations.cpuMicrosPerRequest ?? {},
          settledReservations: settledCpu,
          pacedReservations: cpuPerRequest(pacedCpuBefore, pacedCpuAfter, Math.max(1, pacedReservations)),
          race: race.cpu,
        },
        statementsPerReservation: {
          settled: settledStatements,
          paced: perReservation(pacedStatementsBefore, pacedStatementsAfter, Math.max(1, pacedReservations)),
        },
        listingsPerSecond: listed.perSecond,
        doubleSold: Number(doubleSold.rows[0]!.n),
      }
      await printIssueTable(figures)
      return measurements(figures)
    } finally {
      await Promise.all([ordersDb.end(), ticketsDb.end(), authDb.end()])
      await stack.stop()
    }
  },
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
const pick = (result: LoadResult) => ({
  perSecond: result.perSecond,
  p50Ms: result.latencyP50Ms,
  p99Ms: result.latencyP99Ms,
})

async function signUp(url: string, email: string): Promise<ApiClient & { email: string }> {
  const client = new ApiClient(url)
  const response = await client.post('/api/users/signup', { email, password: PASSWORD })
  if (response.status !== 201) throw new Error(`sign-up answered ${response.status}`)
  return Object.assign(client, { email })
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Lists `count` tickets through the gateway, 32 at a time, as a busy seller tool would. */
async function listTickets(url: string, cookie: string, count: number) {
  const ids: string[] = []
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < count) {
      const n = next++
      const response = await fetch(`${url}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url, cookie },
        body: JSON.stringify({ title: `Bench concert ${n}`, price: 20.5 + (n % 200) }),
      })
      if (response.status !== 201) throw new Error(`listing answered ${response.status}`)
      ids[n] = ((await response.json()) as { id: string }).id
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  return { ids, perSecond: count / ((performance.now() - started) / 1000) }
}

/** Statements per reservation, by service, between two readings of `stack.statements()`. */
function perReservation(
  before: Map<string, number>,
  after: Map<string, number>,
  reservations: number,
): Record<string, number> {
  return Object.fromEntries(
    [...after].map(([service, sent]) => [service, (sent - (before.get(service) ?? 0)) / reservations]),
  )
}

/** How busy the machine's cores were between two snapshots `ms` apart: the stack, its servers and this process. */
function busyShare(before: CpuSnapshot, after: CpuSnapshot, ms: number): number {
  let cpuSeconds = 0
  for (const [part, seconds] of after) cpuSeconds += seconds - (before.get(part) ?? 0)
  return cpuSeconds / ((ms / 1000) * os.cpus().length)
}

/**
 * From a new listing's 201 to the moment orders would take a reservation of it (its replica row, polled
 * every `pollEveryMs`), `probes` times one after the other; each is then reserved through the gateway to
 * prove it orderable. With where the time went (stages).
 */
async function probeOrderable(
  stack: RunningStack,
  { ordersDb, ticketsDb }: { ordersDb: pg.Pool; ticketsDb: pg.Pool },
  sellerCookie: string,
  buyerCookies: string[],
  probes: number,
  { timeoutMs = 60_000, pollEveryMs = 1 } = {},
) {
  const samples: number[] = []
  const ids: string[] = []
  for (let n = 0; n < probes; n++) {
    const response = await fetch(`${stack.url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.url, cookie: sellerCookie },
      body: JSON.stringify({ title: `Probe ${n}`, price: 30 }),
    })
    if (response.status !== 201) throw new Error(`listing answered ${response.status}`)
    const { id } = (await response.json()) as { id: string }
    ids.push(id)
    const listedAt = performance.now()
    for (;;) {
      const { rowCount } = await ordersDb.query('select 1 from ticket_replicas where id = $1', [id])
      if (rowCount) break
      if (performance.now() - listedAt > timeoutMs) throw new Error(`ticket ${id} never reached orders`)
      await new Promise((resolve) => setTimeout(resolve, pollEveryMs))
    }
    samples.push(performance.now() - listedAt)
    const order = await fetch(`${stack.url}/api/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: stack.url,
        cookie: buyerCookies[n % buyerCookies.length]!,
      },
      body: JSON.stringify({ ticketId: id }),
    })
    if (order.status !== 201) throw new Error(`reserving a ticket orders has answered ${order.status}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { ...summarise(samples), stages: await orderableStages({ ordersDb, ticketsDb }, ids) }
}

/**
 * Where the probes' time went, by the database server's clock: from the listing's commit until tickets'
 * relay had it acknowledged by JetStream (its outbox row), and from then until the start of the transaction
 * of orders' listener batch that applied it (its processed_events row). The rest, to the probe's poll, is
 * that batch until its commit.
 */
async function orderableStages(
  { ordersDb, ticketsDb }: { ordersDb: pg.Pool; ticketsDb: pg.Pool },
  ticketIds: string[],
) {
  const { rows: published } = await ticketsDb.query<{ id: string; occurred_at: Date; published_at: Date }>(
    `select id, occurred_at, published_at from outbox
      where type = 'ticket.created' and data->>'id' = any($1::text[])`,
    [ticketIds],
  )
  const { rows: applied } = await ordersDb.query<{ event_id: string; processed_at: Date }>(
    'select event_id, processed_at from processed_events where event_id = any($1::uuid[])',
    [published.map((row) => row.id)],
  )
  const appliedAt = new Map(applied.map((row) => [row.event_id, row.processed_at.getTime()]))
  return {
    published: summarise(published.map((row) => row.published_at.getTime() - row.occurred_at.getTime())),
    waitedForBatch: summarise(
      published.map((row) => Math.max(0, (appliedAt.get(row.id) ?? Number.NaN) - row.published_at.getTime())),
    ),
  }
}

/**
 * RACERS members POST the same new ticket at the same moment, each on a connection of its own opened then
 * (as a crowd of browsers does at an on-sale): one must win, every other be refused, all answered. Their
 * sessions are signed with the stack's own key as auth would sign them: signing up a thousand members would
 * only measure argon2id.
 */
async function raceForOne(stack: RunningStack, ordersDb: pg.Pool, sellerCookie: string) {
  const keys = await loadJwtKeys({
    developmentKeyFile: path.join(repositoryRoot, '.data', 'keys', 'jwt-dev.json'),
    forSigning: true,
  })
  const signer = new AccessTokenSigner(keys)
  const cookies = await sessionCookies(signer, RACERS)
  const response = await fetch(`${stack.url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.url, cookie: sellerCookie },
    body: JSON.stringify({ title: 'The one everybody wants', price: 99 }),
  })
  const { id } = (await response.json()) as { id: string }
  await waitUntil('orders has the hot ticket', async () => {
    const { rowCount } = await ordersDb.query('select 1 from ticket_replicas where id = $1', [id])
    return Boolean(rowCount)
  })
  const body = JSON.stringify({ ticketId: id })
  const cpuBefore = await stack.cpu()
  const started = performance.now()
  const answers = await Promise.all(
    cookies.map((cookie) =>
      sendOnNewConnection(`${stack.url}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: stack.url, cookie },
        body,
      }).then(
        (status) => ({ status, ms: performance.now() - started }),
        () => ({ status: 0, ms: performance.now() - started }),
      ),
    ),
  )
  const cpu = cpuPerRequest(cpuBefore, await stack.cpu(), answers.length)
  const statuses: Record<string, number> = {}
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1
  return {
    cpu,
    winners: statuses['201'] ?? 0,
    statuses,
    lastAnswerMs: Math.max(...answers.map((answer) => answer.ms)),
    p50Ms: summarise(answers.map((answer) => answer.ms)).p50,
  }
}

/**
 * Ed25519 verifications a second on one core, of a token-sized payload: how fast this machine is at what an
 * on-sale race costs most, beside the race's figure. With libsodium, as the services verify, and with
 * node:crypto (OpenSSL), as they did before (comparable with earlier runs).
 */
function ed25519Verifications(seconds: number): { libsodium: number; nodeCrypto: number } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const rawPublicKey = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')
  const payload = Buffer.from('x'.repeat(320))
  const signature = sign(null, payload, privateKey)
  const rate = (verifies: () => boolean) => {
    let verified = 0
    const started = performance.now()
    while (performance.now() - started < (seconds * 1000) / 2) {
      if (!verifies()) throw new Error('Ed25519 refused its own signature')
      verified++
    }
    return verified / ((performance.now() - started) / 1000)
  }
  return {
    libsodium: rate(() => sodium.crypto_sign_verify_detached(signature, payload, rawPublicKey)),
    nodeCrypto: rate(() => verify(null, payload, publicKey, signature)),
  }
}

/**
 * How stale the anonymous home page may be: a seller lists a ticket, and an anonymous visitor reloads until
 * it shows (at most the micro-cache's lifetime); the seller, signed in, must see it at once.
 */
async function homePageFreshness(url: string, seller: ApiClient) {
  const staleness: number[] = []
  let ownChangeShownAtOnce = true
  for (let n = 0; n < 5; n++) {
    const title = `Fresh ${randomUUID().slice(0, 8)}`
    const response = await seller.post('/api/tickets', { title, price: 10 })
    if (response.status !== 201) throw new Error(`listing answered ${response.status}`)
    const listedAt = performance.now()
    const own = await fetch(url, { headers: { cookie: `session=${seller.cookie('session')}` } })
    if (!(await own.text()).includes(title)) ownChangeShownAtOnce = false
    for (;;) {
      const page = await fetch(url)
      if ((await page.text()).includes(title)) break
      if (performance.now() - listedAt > 30_000) throw new Error('a new listing never reached the home page')
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    staleness.push(performance.now() - listedAt)
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1000))
  }
  return { maxStaleMs: Math.max(...staleness), ownChangeShownAtOnce }
}

/**
 * Sign-ins through the gateway next to argon2id verifications of the hash auth stored for the same
 * password, SIGNIN_IN_FLIGHT at a time on both sides, in alternating rounds (the best of each side).
 */
async function signInVersusArgon2(url: string, authDb: pg.Pool, email: string) {
  const { rows } = await authDb.query<{ password_hash: string }>(
    'select password_hash from users where email = $1',
    [email],
  )
  const passwordHash = rows[0]!.password_hash
  const signIns: LoadResult[] = []
  const verifications: number[] = []
  for (let round = 0; round < SIGNIN_ROUNDS; round++) {
    const result = await load(`${url}/api/users/signin`, {
      connections: SIGNIN_IN_FLIGHT,
      seconds: 5,
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      next: () => ({ path: '/api/users/signin', body: JSON.stringify({ email, password: PASSWORD }) }),
      warmUp: round === 0,
    })
    expectAll('sign-in', result, 200)
    signIns.push(result)
    const verified = await measureVerifications({
      passwordHash,
      password: PASSWORD,
      seconds: 5,
      inFlight: SIGNIN_IN_FLIGHT,
    })
    verifications.push(verified.perSecond)
  }
  return {
    perSecond: Math.max(...signIns.map((result) => result.perSecond)),
    p99Ms: Math.min(...signIns.map((result) => result.latencyP99Ms)),
    baseline: Math.max(...verifications),
  }
}

/** The figures as rows of `npm run bench`'s own table. */
function measurements(f: StackFigures): Measurement[] {
  return [
    {
      metric: 'GET /api/tickets/:id req/s via gateway',
      unit: 'req/s',
      value: f.ticketById.perSecond,
      baseline: f.ticketById.baseline,
      baselineName: 'min(node:http hello, pgbench select-only)',
      better: 'higher',
    },
    {
      metric: 'GET /api/tickets req/s via gateway',
      unit: 'req/s',
      value: f.firstPage.perSecond,
      baseline: f.firstPage.baseline,
      baselineName: 'min(node:http hello, pgbench select-only)',
      better: 'higher',
    },
    {
      metric: 'reservations/s via gateway',
      unit: '/s',
      value: f.reservations.perSecond,
      baseline: f.reservations.baseline,
      baselineName: 'pgbench single-row UPDATE',
      better: 'higher',
    },
    {
      metric: 'home page req/s',
      unit: 'req/s',
      value: f.homePage.perSecond,
      baseline: f.homePage.baseline,
      baselineName: 'GET /api/tickets?limit=24 via gateway',
      better: 'higher',
    },
    {
      metric: 'sign-ins/s via gateway',
      unit: '/s',
      value: f.signIn.perSecond,
      baseline: f.signIn.baseline,
      baselineName: `argon2id verify, ${SIGNIN_IN_FLIGHT} in flight`,
      better: 'higher',
    },
  ]
}
