import { fileURLToPath } from 'node:url'
import { findOrStartInfrastructure } from './infrastructure.js'
import { TerminalOutput } from './output.js'

// Not stack.ts's repositoryRoot: Vitest loads global setups without the workspace's source condition, so
// this file imports nothing that needs @ticketing/common.
const dataDir = fileURLToPath(new URL('../../../.data', import.meta.url))

/**
 * Vitest's first global setup, so that `npm test` needs no server started beforehand: it finds PostgreSQL,
 * NATS with JetStream and Redis the way `npm start` does (given by URL, or answering on their usual ports) or
 * starts private ones with their data under `.data/`, and hands their URLs to every test process through the
 * environment. The private servers it started are stopped when the run ends.
 */
export default async function startTestServers(): Promise<() => Promise<void>> {
  const servers = await findOrStartInfrastructure({
    dataDir,
    output: new TerminalOutput(process.stderr),
  })
  process.env.DATABASE_URL = servers.postgresUrl
  process.env.NATS_URL = servers.natsUrl
  process.env.REDIS_URL = servers.redisUrl
  return () => servers.stop()
}
