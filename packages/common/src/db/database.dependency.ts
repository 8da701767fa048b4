import { sql, type Kysely } from 'kysely'
import { dependency } from '../http/dependencies.js'

/** The service's database as a dependency: ready while it answers, destroyed when the app closes. */
export function databaseDependency(db: Kysely<unknown>, name = 'database') {
  return dependency(name, {
    check: () => sql`select 1`.execute(db),
    close: () => db.destroy(),
  })
}
