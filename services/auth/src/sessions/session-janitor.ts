import { PeriodicJob, type EventLogger } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

const EVERY_MS = 10 * 60_000
/** Ended sessions are kept a day for inspection before they go. */
const KEEP_ENDED_MS = 24 * 3_600_000

/**
 * Deletes what no longer matters, so auth's tables do not grow forever: sessions (with their refresh tokens)
 * that expired or were revoked more than a day ago. (Sign-in failures live in Redis and expire there.)
 */
export class SessionJanitor {
  readonly #job: PeriodicJob

  constructor(
    private readonly db: Kysely<Database>,
    logger?: EventLogger,
  ) {
    this.#job = new PeriodicJob({ name: 'janitor', everyMs: EVERY_MS, run: () => this.purge(), logger })
  }

  async purge(now = new Date()): Promise<{ sessions: number }> {
    const endedBefore = new Date(now.getTime() - KEEP_ENDED_MS)
    const sessions = await this.db.transaction().execute(async (trx) => {
      const ended = trx
        .selectFrom('sessions')
        .select('id')
        .where((eb) => eb.or([eb('expires_at', '<', endedBefore), eb('revoked_at', '<', endedBefore)]))
      await trx.deleteFrom('refresh_tokens').where('session_id', 'in', ended).execute()
      return trx
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<', endedBefore), eb('revoked_at', '<', endedBefore)]))
        .executeTakeFirst()
    })
    return { sessions: Number(sessions.numDeletedRows) }
  }

  start(): void {
    this.#job.start()
  }

  /** Waits for a purge in progress. */
  stop(): Promise<void> {
    return this.#job.stop()
  }
}
