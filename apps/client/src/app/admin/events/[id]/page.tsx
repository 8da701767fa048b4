import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound, redirect } from 'next/navigation'
import { EventForm } from '../../../../components/event-form'
import { Problem } from '../../../../components/problem'
import { apiGet, getCurrentUser } from '../../../../lib/api-server'
import type { CatalogueEvent } from '../../../../lib/types'

export const metadata: Metadata = { title: 'Edit event' }

export default async function AdminEventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const user = await getCurrentUser()
  if (!user) redirect(`/signin?next=${encodeURIComponent(`/admin/events/${id}`)}`)
  if (user.role !== 'admin') {
    return (
      <Problem title="Administrators only">
        <p>Only administrators manage the events catalogue.</p>
      </Problem>
    )
  }
  const result = await apiGet<CatalogueEvent>(`/api/events/${encodeURIComponent(id)}`)
  if (!result.ok && result.status === 404) notFound()
  if (!result.ok) {
    return (
      <Problem title="This event could not be loaded">
        <p role="alert">{result.errors.map((e) => e.message).join(' ')}</p>
      </Problem>
    )
  }
  const event = result.data
  return (
    <div className="narrow">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/admin/events">← Events</Link>
      </nav>
      <h1>{event.name}</h1>
      <p className="lead">
        {event.status === 'cancelled'
          ? 'This event is cancelled: its listings were withdrawn and its buyers refunded.'
          : `${event.listings.count} ${event.listings.count === 1 ? 'ticket' : 'tickets'} on sale. `}
        <Link href={`/events/${event.id}`}>See its page</Link>
      </p>
      <EventForm event={event} />
    </div>
  )
}
