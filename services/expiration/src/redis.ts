import { Redis } from 'ioredis'
import { dependency } from '@ticketing/common'

/**
 * The connection BullMQ's queue and worker share. BullMQ requires `maxRetriesPerRequest: null`: its worker
 * blocks on Redis commands and must wait through a reconnect rather than fail them.
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null })
}

/** Redis as a dependency: ready while it answers PING, closed after the queue and worker are. */
export function redisDependency(redis: Redis) {
  return dependency('redis', {
    check: () => redis.ping(),
    close: () => redis.quit(),
  })
}
