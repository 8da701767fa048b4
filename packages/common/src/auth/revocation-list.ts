import type { EventData } from '../events/contracts.js'
import type { AnyCloudEvent } from '../events/envelope.js'
import { ACCESS_TOKEN_TTL_SECONDS, type CurrentUser } from './tokens.js'

/** How long an entry matters: as long as a token issued before it can live, plus clock skew. */
const ENTRY_LIFETIME_MS = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000

/**
 * The access tokens that must no longer work although their signature is valid: those of banned users,
 * of revoked sessions, and of users who signed out everywhere. Fed by user.banned, user.unbanned and
 * session.revoked; an entry is forgotten once every token it could cover has expired.
 */
export class RevocationList {
  readonly #bannedUsers = new Map<string, number>()
  readonly #revokedSessions = new Map<string, number>()
  /** userId → time before which every token of the user is revoked (sign-out without a session id). */
  readonly #revokedBefore = new Map<string, number>()

  apply(event: AnyCloudEvent): void {
    switch (event.type) {
      case 'user.banned':
        this.#bannedUsers.set(event.data.userId, Date.parse(event.data.at))
        break
      case 'user.unbanned':
        this.#bannedUsers.delete(event.data.userId)
        break
      case 'session.revoked':
        this.revokeSession(event.data)
        return
      default:
        return
    }
    this.prune()
  }

  /**
   * A revocation as its session.revoked says it. auth also calls this itself once the revocation is committed,
   * so that it refuses the token from the moment its answer leaves, before the event comes back on the bus.
   */
  revokeSession(revoked: EventData<'session.revoked'>): void {
    const at = Date.parse(revoked.at)
    if (revoked.sessionId) this.#revokedSessions.set(revoked.sessionId, at)
    else this.#revokedBefore.set(revoked.userId, Math.max(at, this.#revokedBefore.get(revoked.userId) ?? 0))
    this.prune()
  }

  /** A ban, as its user.banned says it (auth records its own at once, as for session.revoked). */
  ban(banned: EventData<'user.banned'>): void {
    this.#bannedUsers.set(banned.userId, Date.parse(banned.at))
    this.prune()
  }

  isRevoked(user: CurrentUser): boolean {
    if (this.#bannedUsers.has(user.id) || this.#revokedSessions.has(user.sessionId)) return true
    const before = this.#revokedBefore.get(user.id)
    // iat has whole seconds: a token from the same second as the sign-out counts as before it.
    return before !== undefined && user.issuedAt * 1000 <= before
  }

  prune(now = Date.now()): void {
    for (const entries of [this.#bannedUsers, this.#revokedSessions, this.#revokedBefore]) {
      for (const [key, at] of entries) if (now - at > ENTRY_LIFETIME_MS) entries.delete(key)
    }
  }

  get size(): number {
    return this.#bannedUsers.size + this.#revokedSessions.size + this.#revokedBefore.size
  }
}
