import { runService } from '@ticketing/common'
import { buildGateway } from './app.js'
import { readConfig } from './config.js'

runService(async () => {
  const config = readConfig()
  const app = await buildGateway(config)
  await app.listen({ port: config.PORT, host: config.HOST })
  return app
})
