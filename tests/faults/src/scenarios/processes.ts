import { SERVICES } from '@ticketing/stack'
import { killAndRestart, poll, restartGracefully, type Scenario } from '../harness.js'
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
