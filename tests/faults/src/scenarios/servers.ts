import { Redis } from 'ioredis'
import { killAndRestart, type Scenario } from '../harness.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * PostgreSQL stops as in a crash (immediate shutdown: recovery at the next start) while every service writes,
 * and comes back after a few seconds. Transactions in flight fail; nothing half-done may remain.
 */
export const postgresRestarted: Scenario = {
  name: 'postgres-restarted',
  privateServers: true,
  load: { workers: 4 },
  async inject({ servers, log }) {
    log('PostgreSQL: immediate shutdown')
    await servers!.postgres.stop('immediate')
    await sleep(3_000) // the outage
    await servers!.postgres.start()
    log('PostgreSQL back')
  },
}

/**
 * Redis loses everything (FLUSHALL) while holds are running, so expiration's timers are gone; then expiration
 * is killed twice while its timers fire (holds of seconds: jobs run all the time). Every hold must still end,
 * by a job BullMQ retries or by orders' sweeper.
 */
export const redisFlushed: Scenario = {
  name: 'redis-flushed',
  privateServers: true,
  load: { workers: 4, endings: { pay: 1, cancel: 0, expire: 3 } },
  async inject({ servers, stack, load, log }) {
    const redis = new Redis(servers!.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
    await redis.connect()
    try {
      await redis.flushall()
      log('FLUSHALL')
    } finally {
      redis.disconnect()
    }
    for (let kill = 0; kill < 2; kill++) {
      await load.progressed(2, 20_000)
      await sleep(Math.random() * 1_000)
      log('SIGKILL expiration, mid-job')
      await killAndRestart(stack, 'expiration')
    }
  },
}
