import { listen, openServiceDependencies, runService } from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { migrationsFolder } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { startWorkers } from './workers.js'

runService(async () => {
  const config = readConfig()
  const deps = await openServiceDependencies<Database>({ service: 'tickets', config, migrationsFolder })
  const app = await buildApp({ config, ...deps })
  startWorkers(app, deps)
  await listen(app, config)
  return app
})
