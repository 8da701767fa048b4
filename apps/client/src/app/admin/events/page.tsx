import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { EventForm } from '../../../components/event-form'
import { Pager } from '../../../components/pager'
import { Problem } from '../../../components/problem'
import { apiGet, getCurrentUser } from '../../../lib/api-server'
import { formatEventTime } from '../../../lib/format'
import type { CatalogueEvent } from '../../../lib/types'

export const metadata: Metadata = { title: 'Events' }

/** The catalogue for admins: upcoming events to edit, postpone or cancel, and a form to add one. */
export default async function AdminEventsPage({
  searchParams,
}: {
  searchParams: Promise<{ cursor?: string }>
}) {
  const user = await getCurrentUser()
  if (!user) redirect('/signin?next=/admin/events')
  if (user.role !== 'admin') {
    return (
      <Problem title="Administrators only">
        <p>Only administrators manage the events catalogue.</p>
      </Problem>
    )
  }
  const { cursor } = await searchParams
  const query = new URLSearchParams({ limit: '50' })
  if (cursor) query.set('cursor', cursor)
  const result = await apiGet<CatalogueEvent[]>(`/api/events?${query.toString()}`)
  return (
    <>
      <h1>Events</h1>
      <p className="lead">
        Upcoming events, soonest first. Cancelling one withdraws its listings and refunds its buyers.
      </p>
      {!result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>Events could not be loaded: {result.errors.map((e) => e.message).join(' ')}</p>
        </div>
      ) : result.data.length === 0 ? (
        <p className="muted">No upcoming events.</p>
      ) : (
        <ul className="list">
          {result.data.map((event) => (
            <li key={event.id} className="list-item">
              <div className="list-main">
                <Link href={`/admin/events/${event.id}`} className="list-title">
                  {event.name}
                </Link>
                <span className="muted">
                  {formatEventTime(event.startsAt, event.timezone)} · {event.venue}, {event.city}
                </span>
              </div>
              <span className={`badge badge-${event.status === 'postponed' ? 'warning' : 'success'}`}>
                {event.status === 'postponed' ? 'Postponed' : 'Scheduled'}
              </span>
            </li>
          ))}
        </ul>
      )}
      {result.ok && (
        <Pager
          basePath="/admin/events"
          nextCursor={result.nextCursor}
          isFirst={!cursor}
          label="Event pages"
        />
      )}
      <section aria-labelledby="new-event" className="narrow-section">
        <h2 id="new-event">Add an event</h2>
        <EventForm />
      </section>
    </>
  )
}
