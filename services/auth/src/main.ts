import { OutboxRelay, openServiceDependencies, runService } from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { migrationsFolder } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { SessionJanitor } from './sessions/session-janitor.js'

runService(async () => {
  const config = readConfig()
  const deps = await openServiceDependencies<Database>({
    service: 'auth',
    config,
    migrationsFolder,
    forSigning: true,
  })
  const app = await buildApp({ config, ...deps })

  const relay = new OutboxRelay({ db: deps.db, bus: deps.bus, logger: app.log })
  relay.start()
  app.dependencies.add('outbox-relay', { close: () => relay.stop() })
  const janitor = new SessionJanitor(deps.db, config.SIGNIN_FAILURE_WINDOW_SECONDS, app.log)
  janitor.start()
  app.dependencies.add('session-janitor', { close: async () => janitor.stop() })

  await app.listen({ port: config.PORT, host: config.HOST })
  return app
})
