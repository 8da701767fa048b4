import { OutboxRelay, openServiceDependencies, runService } from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { migrationsFolder } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { ticketListeners } from './events/listeners.js'

runService(async () => {
  const config = readConfig()
  const deps = await openServiceDependencies<Database>({ service: 'tickets', config, migrationsFolder })
  const app = await buildApp({ config, ...deps })

  // Registered after the app's own dependencies, so on close they stop first: listeners finish their
  // handlers and the relay its batch while the bus and the database are still open.
  const relay = new OutboxRelay({ db: deps.db, bus: deps.bus, logger: app.log })
  relay.start()
  app.dependencies.add('outbox-relay', { close: () => relay.stop() })
  const listeners = ticketListeners({ bus: deps.bus, db: deps.db, logger: app.log })
  listeners.start()
  app.dependencies.add('listeners', { close: () => listeners.stop() })

  await app.listen({ port: config.PORT, host: config.HOST })
  return app
})
