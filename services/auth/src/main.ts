import { connectRateLimitRedis, listen, openServiceDependencies, runService } from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { migrationsFolder } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { startWorkers } from './workers.js'

runService(async () => {
  const config = readConfig()
  const deps = await openServiceDependencies<Database>({
    service: 'auth',
    config,
    migrationsFolder,
    forSigning: true,
  })
  const redis = connectRateLimitRedis(config.REDIS_URL)
  const app = await buildApp({ config, ...deps, redis })
  startWorkers(app, { config, ...deps })
  await listen(app, config)
  return app
})
