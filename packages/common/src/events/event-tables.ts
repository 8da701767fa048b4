import { sql, type ColumnType, type Generated, type Kysely } from 'kysely'

/** Events waiting to be published, written in the transaction of the change they announce. */
export interface OutboxTable {
  seq: Generated<number>
  id: string
  type: string
  data: ColumnType<unknown, string, never>
  occurred_at: ColumnType<Date, Date, never>
  published_at: ColumnType<Date | null, never, Date | null>
  attempts: ColumnType<number, never, number>
  last_error: ColumnType<string | null, never, string | null>
}

/** Events a consumer has applied: inserted in the handler's transaction, so each event has one effect. */
export interface ProcessedEventTable {
  consumer: string
  event_id: string
  processed_at: Generated<Date>
}

/** Messages no handler can ever apply (not JSON, not an event, data against the contract), kept for a human. */
export interface DeadLetterTable {
  id: Generated<number>
  consumer: string
  subject: string
  stream_seq: number | null
  payload: string
  error: string
  created_at: Generated<Date>
}

/** The tables every service with events has; a service's Database interface extends it. */
export interface EventTables {
  outbox: OutboxTable
  processed_events: ProcessedEventTable
  dead_letters: DeadLetterTable
}

/**
 * The event tables, version 1, as a migration a service includes in its own folder:
 * `export const { up, down } = eventTablesV1`. Frozen: a change to the tables is a new version.
 */
export const eventTablesV1 = {
  up: async (db: Kysely<unknown>): Promise<void> => {
    await sql`
      create table outbox (
        seq bigint generated always as identity primary key,
        id uuid not null unique,
        type text not null,
        data jsonb not null,
        occurred_at timestamptz not null,
        published_at timestamptz,
        attempts integer not null default 0,
        last_error text
      )`.execute(db)
    await sql`create index outbox_pending on outbox (seq) where published_at is null`.execute(db)
    await sql`
      create table processed_events (
        consumer text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`.execute(db)
    await sql`
      create table dead_letters (
        id bigint generated always as identity primary key,
        consumer text not null,
        subject text not null,
        stream_seq bigint,
        payload text not null,
        error text not null,
        created_at timestamptz not null default now()
      )`.execute(db)
  },
  down: async (db: Kysely<unknown>): Promise<void> => {
    await sql`drop table dead_letters, processed_events, outbox`.execute(db)
  },
}
