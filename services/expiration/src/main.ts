import { connectBus, ensureTopology, listen, runService } from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { connectRedis } from './redis.js'
import { startWorkers } from './workers.js'

runService(async () => {
  const config = readConfig()
  const redis = connectRedis(config.REDIS_URL)
  const bus = await connectBus({
    url: config.NATS_URL,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    namespace: config.EVENTS_NAMESPACE,
    replicas: config.EVENTS_REPLICAS,
    service: 'expiration',
  })
  await ensureTopology(bus)
  const app = await buildApp({ config, bus, redis })
  startWorkers(app, { config, bus, redis })
  await listen(app, config)
  return app
})
