import { sql, type Kysely } from 'kysely'
import type { EventLogger } from '../events/logger.js'
import { PeriodicJob } from '../process/periodic-job.js'

export interface StatisticsRefresherOptions<DB> {
  db: Kysely<DB>
  /** The tables whose plans matter on the hot paths: the tickets on sale, the orders, the replicas. */
  tables: readonly string[]
  everyMs?: number
  logger?: EventLogger
}

/**
 * ANALYZEs a hot table soon after a bulk change instead of whenever autovacuum gets to it. Why: after 8,000
 * tickets were listed at once, the first page on sale was planned without statistics (a bitmap scan and a
 * sort of every row, 4.5 ms) until autovacuum's analyze came, minutes later; afterwards 0.12 ms. A table is
 * analyzed once its changes since the last analyze pass max(500, a tenth of its rows), a lower bar than
 * autovacuum's default (50 + a tenth), checked every few seconds.
 */
export function statisticsRefresher<DB>(options: StatisticsRefresherOptions<DB>): PeriodicJob {
  const { db, tables } = options
  return new PeriodicJob({
    name: 'statistics',
    everyMs: options.everyMs ?? 5_000,
    logger: options.logger,
    run: async () => {
      const { rows } = await sql<{ relname: string }>`
        select relname from pg_stat_user_tables
        where schemaname = current_schema() and relname in (${sql.join(tables)})
          and n_mod_since_analyze > greatest(500, 0.1 * n_live_tup)`.execute(db)
      for (const { relname } of rows) await sql`analyze ${sql.id(relname)}`.execute(db)
    },
  })
}
