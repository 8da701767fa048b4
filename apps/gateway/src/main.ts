import { listen, runService } from '@ticketing/common'
import { buildGateway } from './app.js'
import { readConfig } from './config.js'

runService(async () => {
  const config = readConfig()
  const app = await buildGateway(config)
  await listen(app, config)
  return app
})
