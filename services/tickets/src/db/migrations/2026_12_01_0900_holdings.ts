import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Who holds each ticket now: its seller while it is listed or withdrawn, its buyer once sold, whoever it was
  // given to after a transfer. `holding` goes up each time it changes hands (a sale, a transfer, a sale
  // undone), so an entry credential issued for an earlier holding is known to be superseded. Tickets sold
  // before holdings have no known holder: their buyer was not recorded here.
  await sql`
    alter table tickets
      add column holder_id uuid,
      add column holding integer not null default 0 check (holding >= 0)`.execute(db)
  await sql`update tickets set holder_id = user_id where sold_at is null`.execute(db)
  await sql`
    create index tickets_by_holder on tickets (holder_id, created_at desc, id desc)
      where holder_id is not null`.execute(db)

  // Every change of hands and every listing, oldest first: the ticket's custody, shown on its page.
  await sql`
    create table custody_events (
      id bigint generated always as identity primary key,
      ticket_id uuid not null references tickets (id),
      kind text not null check (kind in ('listed', 'sold', 'transferred')),
      at timestamptz(3) not null default now(),
      price integer check (price > 0),
      currency text,
      from_user uuid,
      to_user uuid
    )`.execute(db)
  await sql`create index custody_events_of_ticket on custody_events (ticket_id, id)`.execute(db)
  await sql`
    insert into custody_events (ticket_id, kind, at, price, currency, from_user)
    select id, 'listed', created_at, price, currency, user_id from tickets`.execute(db)
  await sql`
    insert into custody_events (ticket_id, kind, at, price, currency, from_user)
    select id, 'sold', sold_at, price, currency, user_id from tickets where sold_at is not null`.execute(db)

  // A transfer names its recipient by email, found in tickets' own replica of members (user.created /
  // user.updated carry it); members announced before this know no email until they are announced again.
  await sql`alter table user_replicas add column email text`.execute(db)
  await sql`create index user_replicas_by_email on user_replicas (lower(email))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index user_replicas_by_email`.execute(db)
  await sql`alter table user_replicas drop column email`.execute(db)
  await sql`drop table custody_events`.execute(db)
  await sql`drop index tickets_by_holder`.execute(db)
  await sql`alter table tickets drop column holder_id, drop column holding`.execute(db)
}
