import {
  connectBus,
  createDb,
  ensureTopology,
  loadJwtKeys,
  migrateToLatest,
  OutboxRelay,
  runService,
} from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { SessionJanitor } from './sessions/session-janitor.js'
import type { Database } from './db/schema.js'
import { migrationsFolder } from './db/migrate.js'

runService(async () => {
  const config = readConfig()
  await migrateToLatest(config.DATABASE_URL, migrationsFolder)
  const db = createDb<Database>(config.DATABASE_URL, { applicationName: 'auth' })
  const bus = await connectBus({ url: config.NATS_URL, namespace: config.EVENTS_NAMESPACE, service: 'auth' })
  await ensureTopology(bus)
  const keys = await loadJwtKeys({
    privateKey: config.JWT_PRIVATE_KEY,
    publicKeys: config.JWT_PUBLIC_KEYS,
    developmentKeyFile: config.NODE_ENV === 'production' ? undefined : config.JWT_DEV_KEY_FILE,
    forSigning: true,
  })
  const app = await buildApp({ config, db, bus, keys })

  const relay = new OutboxRelay({ db, bus, logger: app.log })
  relay.start()
  app.dependencies.add('outbox-relay', { close: () => relay.stop() })

  const janitor = new SessionJanitor(db, config.SIGNIN_FAILURE_WINDOW_SECONDS, app.log)
  janitor.start()
  app.dependencies.add('session-janitor', { close: async () => janitor.stop() })

  await app.listen({ port: config.PORT, host: config.HOST })
  return app
})
