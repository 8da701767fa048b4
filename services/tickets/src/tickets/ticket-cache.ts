import pg from 'pg'
import type { TicketRow } from './ticket.table.js'

/** The channel the tickets table's trigger notifies with the id of every row that changes. */
export const TICKET_CHANGED_CHANNEL = 'ticket_changed'
/** The channel user_replicas' trigger notifies with the id of a member whose display name changed. */
export const SELLER_CHANGED_CHANNEL = 'seller_changed'
const MAX_NAMES = 50_000

export interface TicketCacheOptions {
  /** tickets' own database: the cache listens on a connection of its own there. */
  url: string
  /** Tickets kept by id at most; the oldest stored goes first. */
  maxTickets?: number
  onError?: (error: Error) => void
}

/**
 * Tickets read by id, and the first pages of tickets on sale and of upcoming events, kept in this process's
 * memory: the reads every visitor makes, which otherwise cost a query or two each. Correct before fast:
 * - Every change to a tickets or events row, by any instance and any write path (a request, a listener, a
 *   person at psql), NOTIFYs its id from a trigger at commit, and every instance drops that ticket and the first
 *   pages then (an event's page counts its tickets, so a ticket's change drops it too).
 * - The cache serves only while its LISTEN connection is up; lost, it serves nothing and keeps nothing until it
 *   listens again, and starts from empty (a change could have been missed meanwhile).
 * - A read that a change overtook (it began before the change was heard and ended after) is answered but not
 *   kept, so a stale row is never stored behind its own invalidation.
 * - The instance that makes a change drops it itself the moment it commits (forget), so a seller sees their own
 *   edit at once; other instances within the notification's delivery, a few milliseconds.
 */
export class TicketCache {
  private readonly byId = new Map<string, TicketRow>()
  /** By list and size: `tickets:50`, `events:24`. */
  private readonly firstPages = new Map<
    string,
    { rows: unknown[]; validUntilMs: number; rendered?: string }
  >()
  private readonly names = new Map<string, string>()
  private readonly maxTickets: number
  private client: pg.Client | undefined
  private listening = false
  private closed = false
  /** Moves on every change heard and every reset: a read that saw it move keeps nothing. */
  private generation = 0
  private retry: NodeJS.Timeout | undefined
  private retryDelayMs = 100

  constructor(private readonly options: TicketCacheOptions) {
    this.maxTickets = options.maxTickets ?? 10_000
  }

  /** Starts listening; resolves once the cache serves (or, the database unreachable, keeps trying). */
  async start(): Promise<void> {
    await this.listen()
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.retry)
    this.stopServing()
    await this.client?.end().catch(() => undefined)
  }

  /** Whether reads are being served from memory (the LISTEN connection is up). */
  get serving(): boolean {
    return this.listening
  }

  ticket(id: string, load: () => Promise<TicketRow | undefined>): Promise<TicketRow | undefined> {
    const kept = this.listening ? this.byId.get(id) : undefined
    if (kept) return Promise.resolve(kept)
    return this.remember(load, (row) => {
      if (!row) return
      if (this.byId.size >= this.maxTickets) this.byId.delete(this.byId.keys().next().value!)
      this.byId.set(id, row)
    })
  }

  /**
   * The first page of a list with no filter, by list and size (the pages every visitor of the home page sees),
   * kept until a change or `validUntil` (when one of its events starts and leaves the page).
   */
  async firstPage<T>(
    list: 'tickets' | 'events',
    size: number,
    load: () => Promise<{ rows: T[]; validUntil?: Date }>,
  ): Promise<T[]> {
    const key = `${list}:${size}`
    const kept = this.listening ? this.firstPages.get(key) : undefined
    if (kept && kept.validUntilMs > Date.now()) return kept.rows as T[]
    const { rows } = await this.remember(load, ({ rows, validUntil }) => {
      // Page sizes are bounded by the query schemas, so this map stays small.
      this.firstPages.set(key, { rows, validUntilMs: validUntil?.getTime() ?? Infinity })
    })
    return rows
  }

  /**
   * A first page as the API sends it (its JSON, sellers' names included), kept with the page's rows and dropped
   * with them, and also when a seller is renamed. Rendering fifty tickets is most of what a visitor's first page
   * costs once its rows are kept. `rows` must be what `firstPage` just gave: a page read meanwhile, which is not
   * the one kept, is rendered for this request alone.
   */
  async renderedFirstPage(
    list: 'tickets' | 'events',
    size: number,
    rows: unknown[],
    render: () => Promise<string>,
  ): Promise<string> {
    const kept = this.listening ? this.firstPages.get(`${list}:${size}`) : undefined
    if (kept?.rows !== rows) return render()
    if (kept.rendered !== undefined) return kept.rendered
    return this.remember(render, (rendered) => {
      kept.rendered = rendered
    })
  }

  /**
   * Sellers' display names by id, those not kept loaded at once; a rename drops a name when it commits, as a
   * change drops a ticket, so every listing shows the new one within the notification's delivery.
   */
  async displayNames(
    ids: string[],
    load: (missing: string[]) => Promise<Map<string, string>>,
  ): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)]
    const found = new Map<string, string>()
    const missing: string[] = []
    for (const id of wanted) {
      const kept = this.listening ? this.names.get(id) : undefined
      if (kept === undefined) missing.push(id)
      else found.set(id, kept)
    }
    if (missing.length === 0) return found
    const loaded = await this.remember(
      () => load(missing),
      (names) => {
        if (this.names.size + names.size > MAX_NAMES) this.names.clear()
        for (const [id, name] of names) this.names.set(id, name)
      },
    )
    for (const [id, name] of loaded) found.set(id, name)
    return found
  }

  /** This instance changed the ticket or event and committed: drop it at once, without waiting to hear it. */
  forget(id: string): void {
    this.changed(id)
  }

  private async remember<T>(load: () => Promise<T>, keep: (value: T) => void): Promise<T> {
    const generation = this.generation
    const value = await load()
    if (this.listening && generation === this.generation) keep(value)
    return value
  }

  private changed(id: string): void {
    this.generation++
    this.byId.delete(id)
    this.firstPages.clear()
  }

  private stopServing(): void {
    this.listening = false
    this.generation++
    this.byId.clear()
    this.firstPages.clear()
    this.names.clear()
  }

  private async listen(): Promise<void> {
    if (this.closed) return
    const client = new pg.Client({ connectionString: this.options.url, application_name: 'tickets-cache' })
    this.client = client
    const lost = (error?: Error) => {
      if (this.client !== client) return
      this.client = undefined
      this.stopServing()
      if (error) this.options.onError?.(error)
      client.end().catch(() => undefined)
      if (this.closed) return
      this.retry = setTimeout(() => void this.listen(), this.retryDelayMs)
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5_000)
    }
    client.on('error', lost)
    client.on('end', () => lost())
    client.on('notification', (message) => {
      if (message.channel === TICKET_CHANGED_CHANNEL && message.payload) this.changed(message.payload)
      if (message.channel === SELLER_CHANGED_CHANNEL && message.payload) {
        this.generation++
        this.names.delete(message.payload)
        this.firstPages.clear() // their renderings show the old name
      }
    })
    try {
      await client.connect()
      await client.query(`listen ${TICKET_CHANGED_CHANNEL}`)
      await client.query(`listen ${SELLER_CHANGED_CHANNEL}`)
    } catch (error) {
      lost(error as Error)
      return
    }
    if (this.client !== client) return
    // Whatever changed while nobody listened is unknown: start from empty.
    this.stopServing()
    this.listening = true
    this.retryDelayMs = 100
  }
}
