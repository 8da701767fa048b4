import { dropStaleTestDatabases } from './server.js'
import { checkInfrastructure } from './infrastructure.js'

/** Vitest globalSetup: find the servers once per run, and sweep up what crashed runs left. */
export default async function setup(): Promise<void> {
  await checkInfrastructure()
  await dropStaleTestDatabases()
}
