import { fileURLToPath } from 'node:url'
import { migrateCommand } from '@ticketing/common'

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))

// `npm run db:migrate`: applies pending migrations, exits non-zero on failure.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await migrateCommand(process.env.DATABASE_URL ?? '', migrationsFolder)
}
