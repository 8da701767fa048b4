import { runService } from '@ticketing/common'
import { buildGateway } from './app.js'
import { readConfig } from './config.js'

runService(async () => {
  const config = readConfig()
  const app = await buildGateway(config)
  // As the services do (`listen` in common): a crowd's connections must not overflow the accept queue.
  await app.listen({ port: config.PORT, host: config.HOST, backlog: 4096 })
  return app
})
