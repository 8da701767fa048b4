import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { HoldingActions } from '../../components/holding-actions'
import { Pager } from '../../components/pager'
import { QrCode } from '../../components/qr-code'
import { apiGet, getCurrentUser } from '../../lib/api-server'
import { formatEventTime, formatMoney } from '../../lib/format'
import type { CatalogueEvent, FeeSchedule, Ticket } from '../../lib/types'

export const metadata: Metadata = { title: 'My tickets' }

const STATUS: Record<Ticket['status'], { label: string; tone: string }> = {
  available: { label: 'On sale', tone: 'success' },
  reserved: { label: 'A buyer is paying', tone: 'warning' },
  sold: { label: 'Yours', tone: 'info' },
  withdrawn: { label: 'Yours, not on sale', tone: 'neutral' },
}

/** The tickets the member holds: each with its entry code, and what they can do with it. */
export default async function MyTicketsPage({
  searchParams,
}: {
  searchParams: Promise<{ cursor?: string }>
}) {
  const user = await getCurrentUser()
  if (!user) redirect('/signin?next=/my-tickets')
  const { cursor } = await searchParams
  const query = new URLSearchParams({ limit: '20', ...(cursor && { cursor }) })
  const [result, fees] = await Promise.all([
    apiGet<Ticket[]>(`/api/tickets/mine?${query.toString()}`),
    apiGet<FeeSchedule>('/api/tickets/fees'),
  ])
  const tickets = result.ok ? result.data : []
  const eventIds = [...new Set(tickets.flatMap((ticket) => (ticket.eventId ? [ticket.eventId] : [])))]
  const [events, credentials] = await Promise.all([
    Promise.all(eventIds.map((id) => apiGet<CatalogueEvent>(`/api/events/${id}`))),
    Promise.all(
      tickets.map((ticket) => apiGet<{ credential: string }>(`/api/tickets/${ticket.id}/credential`)),
    ),
  ])
  const eventOf = new Map(events.flatMap((event) => (event.ok ? [[event.data.id, event.data] as const] : [])))

  return (
    <>
      <div className="page-heading">
        <h1>My tickets</h1>
        <Link href="/payouts" className="button button-secondary">
          Payouts
        </Link>
      </div>
      {!result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>Your tickets could not be loaded: {result.errors.map((e) => e.message).join(' ')}</p>
        </div>
      ) : tickets.length === 0 ? (
        <div className="empty-state">
          <h2>You hold no tickets yet</h2>
          <p>
            Tickets you buy, or that someone gives you, show here with their entry code.{' '}
            <Link href="/">Find an event</Link>.
          </p>
        </div>
      ) : (
        <ul className="holdings">
          {tickets.map((ticket, index) => {
            const event = ticket.eventId ? eventOf.get(ticket.eventId) : undefined
            const credential = credentials[index]
            const place = [
              ticket.section,
              ticket.row && `Row ${ticket.row}`,
              ticket.seat && `Seat ${ticket.seat}`,
            ]
              .filter(Boolean)
              .join(' · ')
            return (
              <li key={ticket.id} className="card holding">
                <div className="holding-main">
                  <h2 className="holding-title">
                    <Link href={`/tickets/${ticket.id}`}>{ticket.title}</Link>
                  </h2>
                  {event && (
                    <p className="muted">
                      <time dateTime={event.startsAt}>{formatEventTime(event.startsAt, event.timezone)}</time>{' '}
                      · {event.venue}, {event.city}
                      {event.status === 'cancelled' && ' · Cancelled'}
                    </p>
                  )}
                  {place && <p>{place}</p>}
                  <p>
                    <span className={`badge badge-${STATUS[ticket.status].tone}`}>
                      {STATUS[ticket.status].label}
                    </span>
                    {ticket.status === 'available' && (
                      <span className="muted">
                        {' '}
                        at {formatMoney(ticket.price, ticket.currency)}: you receive{' '}
                        {formatMoney(ticket.sellerNet, ticket.currency)}
                      </span>
                    )}
                  </p>
                  <HoldingActions ticket={ticket} {...(fees.ok && { fees: fees.data })} />
                </div>
                {credential?.ok && (
                  <figure className="holding-code">
                    <QrCode text={credential.data.credential} label={`Entry code for ${ticket.title}`} />
                    <figcaption className="muted">
                      Show this at the door. It stops working if the ticket changes hands.
                    </figcaption>
                  </figure>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {result.ok && (
        <Pager basePath="/my-tickets" nextCursor={result.nextCursor} isFirst={!cursor} label="Ticket pages" />
      )}
    </>
  )
}
