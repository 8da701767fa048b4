import { copyFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  connectBus,
  FAULT_POINTS_VARIABLE,
  type Bus,
  type FaultPoint,
  type ServiceName,
} from '@ticketing/common'
import { SERVICES, type Part } from '@ticketing/stack'
import {
  startNatsServer,
  startPostgresServer,
  startRedisServer,
  type PrivateNatsServer,
  type PrivatePostgresServer,
  type PrivateRedisServer,
} from '@ticketing/testing'
import { startTestStack, type TestStack } from '@ticketing/system-tests'
import pg from 'pg'
import { checkInvariants, waitUntilQuiet, type CheckTarget, type Violation } from './invariants.js'
import { startLoad, UserPool, type LoadOptions, type RunningLoad } from './load.js'

/** The servers of a scenario that stops, empties or restarts them: never the shared ones of the test run. */
export interface PrivateServers {
  postgres: PrivatePostgresServer
  nats: PrivateNatsServer
  redis: PrivateRedisServer
}

export interface FaultContext {
  stack: TestStack
  servers: PrivateServers | undefined
  /** 1, 2 … on the scenario's one stack. */
  round: number
  roundStartedAt: Date
  load: RunningLoad
  users: UserPool
  /** What the checker reads: the stack's databases, its bus and namespace. */
  target: CheckTarget
  /** A connection to the stack's bus (namespace and all), opened on first use. */
  bus: () => Promise<Bus>
  /** A death the scenario causes from inside the process (a fault point), not a finding. */
  expectDeath: (part: Part) => void
  /** Records that something the scenario expects did not happen: counted beside the invariants. */
  problem: (message: string) => void
  log: (message: string) => void
}

/**
 * One fault, as a story: the stack runs under load, `inject` breaks one thing, `heal` mends it, then the
 * runner waits until the system is quiet and checks every invariant, and that a new purchase still succeeds.
 */
export interface Scenario {
  name: string
  /** Variables for every process of its stack (over the suite's defaults: short holds, a quick sweeper). */
  env?: Record<string, string>
  /** Variables for one part only (a skewed clock on expiration, say). */
  partEnv?: Partial<Record<Part, Record<string, string>>>
  /** Instances of every service, behind the gateway (REPLICAS); default 1. */
  replicas?: number
  /** Runs the stack on a PostgreSQL, NATS and Redis of its own, which the scenario may stop or empty. */
  privateServers?: boolean
  load?: LoadOptions
  inject(context: FaultContext): Promise<void>
  heal?(context: FaultContext): Promise<void>
  /** Checks of the scenario's own once quiet: a dead letter kept, an idempotent answer replayed… */
  verify?(context: FaultContext): Promise<void>
}

export interface RoundResult {
  round: number
  /** Violations found after this round that no earlier round had found. */
  violations: Violation[]
  /** Expectations of the scenario itself that failed, and a system that no longer works. */
  problems: string[]
  /** What still moved when the wait for quiet gave up (empty when quiet). */
  notQuiet: string[]
  durationMs: number
}

export interface ScenarioResult {
  name: string
  rounds: RoundResult[]
  /** The stack's log, for a failure's report. */
  logFile?: string
}

/** The suite's defaults: holds of seconds, a sweeper that catches a lost timer within a few seconds. */
export const FAULT_ENV = {
  LOG_LEVEL: 'info',
  ORDER_HOLD_SECONDS: '5',
  SWEEP_GRACE_SECONDS: '1',
  SWEEP_INTERVAL_SECONDS: '1',
  // Each worker's buyer reserves again and again, leaving some holds to run out: the faults are the subject,
  // not the abuse limits.
  MAX_OPEN_ORDERS_PER_USER: '1000',
  ORDER_RATE_LIMIT_PER_MINUTE: '100000',
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function startPrivateServers(): Promise<PrivateServers> {
  const [postgres, nats, redis] = await Promise.all([
    startPostgresServer(),
    startNatsServer(),
    startRedisServer(),
  ])
  return { postgres, nats, redis }
}

/** SIGKILL, as a crash; then started again, as a supervisor would, and waited for until ready. */
export async function killAndRestart(stack: TestStack, part: Part, signal: NodeJS.Signals = 'SIGKILL') {
  const child = stack.processes.get(part)!
  await child.kill(signal)
  child.start()
  await stack.waitUntilReady(part, 60_000)
}

/**
 * A crash at an exact moment: `part` is started again with the fault point armed (TICKETING_FAULT_POINTS), the
 * load drives it there and it dies (SIGKILL, by its own hand), then it is started once more without it, as a
 * supervisor would. False, and started without the point, if the point was not reached in time.
 */
export async function crashAtFaultPoint(
  context: FaultContext,
  part: Part,
  point: FaultPoint,
  timeoutMs = 90_000,
): Promise<boolean> {
  const child = context.stack.processes.get(part)!
  await child.stop()
  const deaths = child.deaths
  child.start({ [FAULT_POINTS_VARIABLE]: point })
  const crashed = await poll(async () => (child.deaths > deaths ? true : undefined), timeoutMs, 50)
  if (crashed) context.expectDeath(part)
  else await child.kill()
  child.start()
  await context.stack.waitUntilReady(part, 60_000)
  return crashed === true
}

/** SIGTERM and a clean stop (in-flight work finished), then started again: one step of a rolling restart. */
export async function restartGracefully(stack: TestStack, part: Part) {
  const child = stack.processes.get(part)!
  await child.stop()
  child.start()
  await stack.waitUntilReady(part, 60_000)
}

/** One instance of a service: SIGKILL (a crash), or with `graceful` a clean stop; then started again. */
export async function restartInstance(
  stack: TestStack,
  service: ServiceName,
  instance: number,
  { graceful = false } = {},
) {
  const child = stack.instances.get(service)![instance]!
  await (graceful ? child.stop() : child.kill())
  child.start()
  await stack.waitUntilInstanceReady(service, instance, 60_000)
}

/**
 * Every process of the stack by its name, with how to wait until it is ready: the gateway, and each
 * instance of each service (`tickets`, `tickets-2`…; the first instance's name is the service's).
 */
function everyProcess(stack: TestStack) {
  const parts = [...stack.processes].filter(([part]) => !stack.instances.has(part as ServiceName))
  return [
    ...parts.map(([part, child]) => ({ name: part, child, ready: () => stack.waitUntilReady(part, 60_000) })),
    ...[...stack.instances].flatMap(([service, children]) =>
      children.map((child, instance) => ({
        name: child.spec.name,
        child,
        ready: () => stack.waitUntilInstanceReady(service, instance, 60_000),
      })),
    ),
  ]
}

export async function waitUntilReady(stack: TestStack, timeoutMs = 60_000) {
  await Promise.all([
    stack.waitUntilReady('gateway', timeoutMs),
    ...SERVICES.flatMap((service) =>
      (stack.instances.get(service) ?? []).map((_, instance) =>
        stack.waitUntilInstanceReady(service, instance, timeoutMs),
      ),
    ),
  ])
}

/**
 * A part that died without being killed by the scenario is a finding (reported with its last lines); it is then
 * started again, as a supervisor would, so that the invariants are checked on a system that could heal.
 */
async function superviseDeaths(
  stack: TestStack,
  before: Map<string, number>,
  problem: (message: string) => void,
) {
  for (const { name, child, ready } of everyProcess(stack)) {
    if (child.deaths === (before.get(name) ?? 0)) continue
    problem(`${name} died during the fault; its last lines:\n${child.lastLines().slice(-8).join('\n')}`)
    if (!child.running) {
      child.start()
      await ready()
    }
  }
}

/** A violation as found again in a later round: durations ("12.3 s after") grow between rounds. */
const violationKey = (violation: Violation) =>
  `${violation.invariant} ${violation.message.replace(/\d+(\.\d+)? s\b/g, '… s')}`

/** Polls until the check gives a value, or resolves undefined at the deadline. */
export async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) return undefined
    await sleep(intervalMs)
  }
}

/** Waits until every open order's hold has ended (by the timer or the sweeper), with a deadline past the last. */
async function waitForHoldsToEnd(target: CheckTarget) {
  const url = target.databaseUrls.orders
  if (!url) return
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const allowance =
      Number(target.env?.SWEEP_GRACE_SECONDS ?? 30) + Number(target.env?.SWEEP_INTERVAL_SECONDS ?? 10) + 10
    const open = async () => {
      const { rows } = await client.query<{ open: string; left: number | null }>(
        `select count(*) as open, extract(epoch from max(expires_at) - now())::float8 as left
           from orders where status in ('created', 'awaiting:payment')`,
      )
      return rows[0]!
    }
    const first = await open()
    if (Number(first.open) === 0) return
    await poll(
      async () => (Number((await open()).open) === 0 ? true : undefined),
      ((first.left ?? 0) + allowance) * 1000,
    )
  } finally {
    await client.end()
  }
}

/** A new member buys a new listing end to end: listed, reserved, paid, complete. Undefined when it worked. */
export async function purchaseWorks(stack: TestStack, timeoutMs = 45_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs
  const left = () => Math.max(1_000, deadline - Date.now())
  try {
    const seller = await stack.signUp()
    const buyer = await stack.signUp()
    const ticket = await seller.post<{ id: string }>('/api/tickets', { title: 'After the fault', price: 40 })
    if (ticket.status !== 201) return `listing answered ${ticket.status}`
    const order = await poll(async () => {
      const response = await buyer.post<{ id: string }>('/api/orders', { ticketId: ticket.body.id })
      return response.status === 201 ? response.body : undefined
    }, left())
    if (!order) return 'the new listing could not be reserved'
    const payment = await poll(async () => {
      const response = await buyer.post<{ status: string }>('/api/payments', {
        orderId: order.id,
        token: 'tok_visa',
      })
      return response.status === 201 ? response.body : undefined
    }, left())
    if (!payment) return 'the new order could not be paid'
    const complete = await poll(async () => {
      const response = await buyer.get<{ status: string }>(`/api/orders/${order.id}`)
      return response.body.status === 'complete' ? true : undefined
    }, left())
    return complete ? undefined : 'the paid order did not complete'
  } catch (error) {
    return `the purchase failed: ${(error as Error).message}`
  }
}

/**
 * Starts the scenario's stack once and runs `rounds` rounds of load, fault, heal and check on it. Never
 * throws for what the fault did: everything found is in the result.
 */
export async function runScenario(
  scenario: Scenario,
  { rounds = 1, log = (message: string) => process.stderr.write(`${message}\n`) } = {},
): Promise<ScenarioResult> {
  const servers = scenario.privateServers ? await startPrivateServers() : undefined
  const env = { ...FAULT_ENV, ...scenario.env }
  let stack: TestStack | undefined
  let bus: Bus | undefined
  const result: ScenarioResult = { name: scenario.name, rounds: [] }
  try {
    stack = await startTestStack({
      env,
      restart: false,
      partEnv: scenario.partEnv,
      replicas: scenario.replicas,
      ...(servers && {
        servers: {
          postgresUrl: servers.postgres.url,
          natsUrl: servers.nats.url,
          redisUrl: servers.redis.url,
        },
      }),
    })
    const running = stack
    const target: CheckTarget = {
      databaseUrls: running.databaseUrls,
      natsUrl: running.servers.natsUrl,
      namespace: running.namespace,
      env,
    }
    const users = new UserPool(running)
    const seen = new Set<string>()
    for (let round = 1; round <= rounds; round++) {
      const started = Date.now()
      const problems: string[] = []
      const deaths = new Map(everyProcess(running).map(({ name, child }) => [name, child.deaths]))
      const context: FaultContext = {
        stack: running,
        servers,
        round,
        roundStartedAt: new Date(started),
        load: startLoad(running, users, scenario.load),
        users,
        target,
        bus: async () =>
          (bus ??= await connectBus({ url: target.natsUrl, namespace: target.namespace, service: 'auth' })),
        expectDeath: (part) => deaths.set(part, (deaths.get(part) ?? 0) + 1),
        problem: (message) => problems.push(message),
        log: (message) => log(`[${scenario.name} #${round}] ${message}`),
      }
      try {
        if (!(await context.load.progressed(2))) problems.push('the load made no purchases before the fault')
        await scenario.inject(context)
        await scenario.heal?.(context)
        await superviseDeaths(running, deaths, context.problem)
        await waitUntilReady(running)
        if (!(await context.load.progressed(2))) problems.push('the load made no purchases after healing')
      } catch (error) {
        problems.push(`the scenario failed: ${(error as Error).stack ?? String(error)}`)
      }
      const stats = await context.load.stop()
      context.log(
        `load: ${stats.purchases} reservations, ${stats.requests} requests, ${stats.failures} failed (${stats.idempotentFailures} of them idempotent), statuses ${JSON.stringify(stats.statuses)}`,
      )
      await waitForHoldsToEnd(target).catch((error: Error) =>
        problems.push(`reading orders: ${error.message}`),
      )
      const notQuiet = await waitUntilQuiet(target)
      // A violation stays in the databases: each round reports the ones it caused, not those of earlier rounds.
      const violations = (
        await checkInvariants(target).catch((error: Error): Violation[] => {
          problems.push(`the checker failed: ${error.message}`)
          return []
        })
      ).filter((violation) => !seen.has(violationKey(violation)))
      for (const violation of violations) seen.add(violationKey(violation))
      try {
        await scenario.verify?.(context)
      } catch (error) {
        problems.push(`verify failed: ${(error as Error).message}`)
      }
      const broken = await purchaseWorks(running)
      if (broken) problems.push(`after the fault: ${broken}`)
      for (const violation of violations) context.log(`${violation.invariant}: ${violation.message}`)
      for (const problem of problems) context.log(`problem: ${problem}`)
      if (notQuiet.length > 0) context.log(`not quiet: ${notQuiet.join('; ')}`)
      result.rounds.push({ round, violations, problems, notQuiet, durationMs: Date.now() - started })
    }
  } finally {
    await bus?.close().catch(() => undefined)
    // The stack's log goes with its data folder: keep a copy of a run that found something.
    const found = result.rounds.some((r) => r.violations.length + r.problems.length + r.notQuiet.length > 0)
    if (stack && found) {
      result.logFile = path.join(os.tmpdir(), `faults-${scenario.name}-${stack.namespace}.log`)
      await copyFile(stack.logFile, result.logFile).catch(() => undefined)
    }
    await stack?.cleanup().catch(() => undefined)
    if (servers) {
      const { postgres, nats, redis } = servers
      await Promise.all(
        [postgres.remove(), nats.remove(), redis.remove()].map((done) => done.catch(() => undefined)),
      )
    }
  }
  return result
}
