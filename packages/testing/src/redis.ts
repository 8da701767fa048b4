import { Redis } from 'ioredis'
import { infrastructure } from './infrastructure.js'
import { randomId } from './names.js'

export interface TestRedisPrefix {
  /** Put before every key (BullMQ's `prefix` option, or a key prefix of our own). */
  prefix: string
  /** Deletes every key under the prefix. */
  clear(): Promise<void>
}

export function testRedisPrefix(): TestRedisPrefix {
  const prefix = `test:${randomId(10)}`
  return {
    prefix,
    async clear() {
      const redis = new Redis(infrastructure.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
      await redis.connect()
      try {
        for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
          if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]))
        }
      } finally {
        redis.disconnect()
      }
    },
  }
}
