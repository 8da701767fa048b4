import {
  connectBus,
  createDb,
  ensureTopology,
  loadJwtKeys,
  migrateToLatest,
  runService,
} from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { migrationsFolder } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { startWorkers } from './workers.js'

runService(async () => {
  const config = readConfig()
  await migrateToLatest(config.DATABASE_URL, migrationsFolder)
  const db = createDb<Database>(config.DATABASE_URL, { applicationName: 'orders', max: 20 })
  const bus = await connectBus({
    url: config.NATS_URL,
    namespace: config.EVENTS_NAMESPACE,
    service: 'orders',
  })
  await ensureTopology(bus)
  const keys = await loadJwtKeys({
    publicKeys: config.JWT_PUBLIC_KEYS,
    developmentKeyFile: config.NODE_ENV === 'production' ? undefined : config.JWT_DEV_KEY_FILE,
  })
  const app = await buildApp({ config, db, bus, keys })
  startWorkers(app, { config, db, bus })
  await app.listen({ port: config.PORT, host: config.HOST })
  return app
})
