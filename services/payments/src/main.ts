import { listen, openServiceDependencies, runService } from '@ticketing/common'
import { buildApp } from './app.js'
import { readConfig } from './config.js'
import { migrationsFolder } from './db/migrate.js'
import type { Database } from './db/schema.js'
import { createGateway } from './gateways/create-gateway.js'
import { startWorkers } from './workers.js'

runService(async () => {
  const config = readConfig()
  const deps = await openServiceDependencies<Database>({ service: 'payments', config, migrationsFolder })
  const gateway = createGateway(config, deps.db)
  const app = await buildApp({ config, gateway, ...deps })
  startWorkers(app, { gateway, config, ...deps })
  await listen(app, config)
  return app
})
