import type { EventLogger } from '@ticketing/common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

const EVERY_MS = 10 * 60_000
/** Ended sessions are kept a day for inspection before they go. */
const KEEP_ENDED_MS = 24 * 3_600_000

/**
 * Deletes what no longer matters, so auth's tables do not grow forever: sign-in failures older than their
 * window, and sessions (with their refresh tokens) that expired or were revoked more than a day ago.
 */
export class SessionJanitor {
  #timer: NodeJS.Timeout | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly failureWindowSeconds: number,
    private readonly logger?: EventLogger,
  ) {}

  async purge(now = new Date()): Promise<{ failures: number; sessions: number }> {
    const failures = await this.db
      .deleteFrom('signin_failures')
      .where('failed_at', '<', new Date(now.getTime() - this.failureWindowSeconds * 1000))
      .executeTakeFirst()
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
    return { failures: Number(failures.numDeletedRows), sessions: Number(sessions.numDeletedRows) }
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.purge().catch((error: unknown) => this.logger?.error({ err: error }, 'janitor: purge failed'))
    }, EVERY_MS).unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}
