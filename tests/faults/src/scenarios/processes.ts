import { SERVICES } from '@ticketing/stack'
import { killAndRestart, poll, restartGracefully, restartInstance, type Scenario } from '../harness.js'
import { pendingWork } from '../invariants.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!
/** The services that handle events (auth only publishes). */
const CONSUMERS = SERVICES.filter((service) => service !== 'auth')

/**
 * A service crashes while it handles events: SIGKILL at random moments under a steady flow, so that some
 * kills land after a handler's database write and before its ack (redelivered, skipped as processed) and
 * some before the write (redelivered, applied). Three kills a round, each service restarted at once.
 */
export const serviceKilled: Scenario = {
  name: 'service-killed',
  load: { workers: 4 },
  async inject({ stack, load, log }) {
    for (let kill = 0; kill < 3; kill++) {
      await load.progressed(1, 20_000)
      await sleep(Math.random() * 1_500)
      const service = pick(CONSUMERS)
      log(`SIGKILL ${service}`)
      await killAndRestart(stack, service)
    }
  },
}

/**
 * A consumer stops (SIGSTOP) while events pile up for it, then carries on (SIGCONT) with a backlog. Its HTTP
 * API stops too: the load sees timeouts meanwhile.
 */
export const consumerPaused: Scenario = {
  name: 'consumer-paused',
  load: { workers: 4 },
  async inject({ stack, log, target }) {
    const service = pick(['tickets', 'orders', 'payments', 'expiration'] as const)
    log(`SIGSTOP ${service}`)
    stack.processes.get(service)!.signal('SIGSTOP')
    // Long enough for a backlog: events of other services' work, and messages past their ack wait.
    const backlog = await poll(async () => {
      const waiting = await pendingWork(target)
      return waiting.some((line) => line.includes(`consumer ${service}-`)) ? waiting : undefined
    }, 20_000)
    if (!backlog) log(`no backlog for ${service} within 20 s`)
    await sleep(3_000)
  },
  async heal({ stack, log }) {
    for (const service of CONSUMERS) stack.processes.get(service)!.signal('SIGCONT')
    log('SIGCONT')
  },
}

/** Every service stopped cleanly and started again, one after another, under load: a deployment. */
export const rollingRestart: Scenario = {
  name: 'rolling-restart',
  load: { workers: 4 },
  async inject({ stack, log }) {
    for (const service of SERVICES) {
      log(`restarting ${service}`)
      await restartGracefully(stack, service)
    }
  },
}

/** The replicas scenario's load workers: each has one request in flight at a time. */
const REPLICA_WORKERS = 4

/**
 * Two instances of every service behind the gateway (REPLICAS=2). Under load, the first instance of every
 * service crashes (SIGKILL, all at once) and the load runs on the others until a replacement is started in its
 * place; then every instance is restarted cleanly, one by one (a deployment). At every moment each service
 * has an instance up, so the gateway's retry budget (apps/gateway/README.md: each other instance once) is
 * enough for every request it may retry, and `verify` holds the load to that:
 * - no reservation failed (they carry an Idempotency-Key, so a reset or a 503 sends them to the other
 *   instance; a refused connection sends any request there);
 * - the requests it may not retry (a listing, a payment, a cancellation, which may have been handled when the
 *   connection broke) failed at most once per load worker per instance stopped: only a request in flight on
 *   that instance, or sent on a connection to it while it closed, can. A count, not a timing.
 */
export const replicasKilled: Scenario = {
  name: 'replicas-killed',
  replicas: 2,
  load: { workers: REPLICA_WORKERS },
  async inject({ stack, load, log }) {
    await load.progressed(1, 20_000)
    log('SIGKILL the first instance of every service')
    const first = SERVICES.map((service) => stack.instances.get(service)![0]!)
    await Promise.all(first.map((child) => child.kill()))
    if (!(await load.progressed(2, 30_000))) log('no purchase while the first instances were down')
    log('starting a replacement for each')
    for (const child of first) child.start()
    await Promise.all(SERVICES.map((service) => stack.waitUntilInstanceReady(service, 0, 60_000)))
    await load.progressed(1, 20_000)
    for (const service of SERVICES) {
      for (const [instance, child] of stack.instances.get(service)!.entries()) {
        log(`restarting ${child.spec.name}`)
        await restartInstance(stack, service, instance, { graceful: true })
      }
    }
  },
  async verify({ load, log, problem }) {
    const { failures, idempotentFailures, requests } = load.stats
    const instanceStops = SERVICES.length * 3 // one crash and two clean restarts per service
    const allowed = REPLICA_WORKERS * instanceStops
    log(
      `failed requests: ${failures} of ${requests} (${idempotentFailures} idempotent); ` +
        `allowed: 0 idempotent, at most ${allowed} in all (${REPLICA_WORKERS} workers × ${instanceStops} instance stops)`,
    )
    if (idempotentFailures > 0)
      problem(`${idempotentFailures} idempotent requests failed: the gateway did not retry them`)
    if (failures > allowed)
      problem(`${failures} requests failed, more than the ${allowed} the retry budget allows`)
  },
}
