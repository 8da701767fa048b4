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
import { migrationsFolder } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { ticketListeners } from './events/listeners.js'

runService(async () => {
  const config = readConfig()
  await migrateToLatest(config.DATABASE_URL, migrationsFolder)
  const db = createDb<Database>(config.DATABASE_URL, { applicationName: 'tickets' })
  const bus = await connectBus({
    url: config.NATS_URL,
    namespace: config.EVENTS_NAMESPACE,
    service: 'tickets',
  })
  await ensureTopology(bus)
  const keys = await loadJwtKeys({
    publicKeys: config.JWT_PUBLIC_KEYS,
    developmentKeyFile: config.NODE_ENV === 'production' ? undefined : config.JWT_DEV_KEY_FILE,
  })
  const app = await buildApp({ config, db, bus, keys })

  // Registered after the app's own dependencies, so on close they stop first: listeners finish their
  // handlers and the relay its batch while the bus and the database are still open.
  const relay = new OutboxRelay({ db, bus, logger: app.log })
  relay.start()
  app.dependencies.add('outbox-relay', { close: () => relay.stop() })
  const listeners = ticketListeners({ bus, db, logger: app.log })
  listeners.start()
  app.dependencies.add('listeners', { close: () => listeners.stop() })

  await app.listen({ port: config.PORT, host: config.HOST })
  return app
})
