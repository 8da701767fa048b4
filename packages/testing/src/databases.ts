import { migrateToLatest } from '@ticketing/common'
import { nameTestDatabase, withServer, type TestDatabase } from './server.js'

/** Creates a database of this test's own and, given a service's migrations folder, migrates it. */
export async function createTestDatabase(
  label: string,
  options: { migrations?: string } = {},
): Promise<TestDatabase> {
  const database = nameTestDatabase(label)
  await withServer((client) => client.query(`create database ${client.escapeIdentifier(database.name)}`))
  if (options.migrations) await migrateToLatest(database.url, options.migrations)
  return database
}
