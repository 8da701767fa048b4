import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The catalogue: what a listing is a ticket for. A price cap is none, face (at most the face value) or
  // face_plus (at most the face value + percent %); only face_plus has a percent.
  await sql`
    create table events (
      id uuid primary key,
      name text not null check (char_length(name) between 1 and 200),
      performer text check (char_length(performer) between 1 and 200),
      venue text not null check (char_length(venue) between 1 and 200),
      city text not null check (char_length(city) between 1 and 100),
      country text check (country ~ '^[A-Z]{2}$'),
      starts_at timestamptz(3) not null,
      timezone text not null,
      category text not null
        check (category in ('concert', 'sports', 'theatre', 'comedy', 'festival', 'other')),
      status text not null default 'scheduled' check (status in ('scheduled', 'postponed', 'cancelled')),
      image_url text check (char_length(image_url) <= 2000),
      price_cap_kind text not null default 'none' check (price_cap_kind in ('none', 'face', 'face_plus')),
      price_cap_percent integer check (price_cap_percent between 1 and 1000),
      version integer not null default 0 check (version >= 0),
      created_at timestamptz(3) not null default now(),
      constraint events_percent_with_face_plus
        check ((price_cap_kind = 'face_plus') = (price_cap_percent is not null)),
      -- What GET /api/events?q= searches: name, performer and venue, in one lower-cased text (and the city,
      -- since 2026_11_29_1000).
      search_text text generated always as
        (lower(name || ' ' || coalesce(performer, '') || ' ' || venue)) stored
    )`.execute(db)
  // GET /api/events: upcoming ones soonest first, alone or in one city; searched by trigram.
  await sql`create index events_upcoming on events (starts_at, id) where status <> 'cancelled'`.execute(db)
  await sql`create index events_by_city on events (lower(city), starts_at, id) where status <> 'cancelled'`.execute(
    db,
  )
  await sql`create index events_search on events using gin (search_text gin_trgm_ops) where status <> 'cancelled'`.execute(
    db,
  )

  // A listing may be for an event, with its place and the face value printed on it (in the ticket's
  // currency). A withdrawn ticket is off sale until its holder lists it again.
  await sql`
    alter table tickets
      add column event_id uuid references events (id),
      add column section text check (char_length(section) between 1 and 40),
      add column "row" text check (char_length("row") between 1 and 40),
      add column seat text check (char_length(seat) between 1 and 40),
      add column face_value bigint check (face_value > 0),
      add column withdrawn_at timestamptz(3)`.execute(db)
  // GET /api/events/:id/tickets, and each event's count and lowest price: its tickets on sale, cheapest first.
  await sql`
    create index tickets_on_sale_by_event on tickets (event_id, price, id)
      where order_id is null and withdrawn_at is null and event_id is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index tickets_on_sale_by_event`.execute(db)
  await sql`
    alter table tickets
      drop column event_id, drop column section, drop column "row", drop column seat,
      drop column face_value, drop column withdrawn_at`.execute(db)
  await sql`drop table events`.execute(db)
}
