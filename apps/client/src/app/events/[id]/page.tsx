import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { Pager } from '../../../components/pager'
import { Problem } from '../../../components/problem'
import { apiGet, getCurrentUser } from '../../../lib/api-server'
import { describeCap, formatEventTime, formatMoney } from '../../../lib/format'
import type { CatalogueEvent, Ticket } from '../../../lib/types'

type Params = Promise<{ id: string }>
type Search = Promise<Record<string, string | string[] | undefined>>

const PAGE_SIZE = 50

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const result = await apiGet<CatalogueEvent>(`/api/events/${encodeURIComponent((await params).id)}`)
  if (result.ok) return { title: result.data.name }
  return { title: result.status === 404 ? 'Event not found' : 'Event' }
}

/** An event and its tickets on sale, cheapest first, with price and section filters. */
export default async function EventPage({ params, searchParams }: { params: Params; searchParams: Search }) {
  const { id } = await params
  const query = await searchParams
  const maxPrice = first(query['maxPrice'])?.trim() || undefined
  const section = first(query['section'])?.trim() || undefined
  const cursor = first(query['cursor']) || undefined
  const ticketsQuery = new URLSearchParams({ limit: String(PAGE_SIZE) })
  if (maxPrice) ticketsQuery.set('maxPrice', maxPrice)
  if (section) ticketsQuery.set('section', section)
  if (cursor) ticketsQuery.set('cursor', cursor)
  const path = `/api/events/${encodeURIComponent(id)}`
  const [result, tickets, user] = await Promise.all([
    apiGet<CatalogueEvent>(path),
    apiGet<Ticket[]>(`${path}/tickets?${ticketsQuery.toString()}`),
    getCurrentUser(),
  ])
  if (!result.ok && result.status === 404) notFound()
  if (!result.ok) {
    return (
      <Problem title="This event could not be loaded">
        <p role="alert">{result.errors.map((e) => e.message).join(' ')}</p>
      </Problem>
    )
  }
  const event = result.data
  const cap = describeCap(event.priceCap)
  const started = new Date(event.startsAt).getTime() <= Date.now()
  const onSale = event.status !== 'cancelled' && !started

  return (
    <div className="event-detail">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">← All events</Link>
      </nav>
      <header className="card event-hero">
        <p className="eyebrow">{event.performer ?? event.category}</p>
        <h1>{event.name}</h1>
        <p className="event-when">
          <time dateTime={event.startsAt}>{formatEventTime(event.startsAt, event.timezone)}</time>
        </p>
        {event.firstStartsAt && (
          <p className="event-moved">
            Moved from{' '}
            <time dateTime={event.firstStartsAt}>{formatEventTime(event.firstStartsAt, event.timezone)}</time>
            . Tickets bought for the first date are valid for the new one.
          </p>
        )}
        <p className="muted">
          {event.venue}, {event.city}
          {event.country ? `, ${event.country}` : ''}
        </p>
        <p>
          {event.status === 'cancelled' ? (
            <span className="badge badge-danger">Cancelled: orders are refunded in full</span>
          ) : event.status === 'postponed' ? (
            <span className="badge badge-warning">Postponed</span>
          ) : started ? (
            <span className="badge badge-neutral">This event has started</span>
          ) : null}{' '}
          {cap && <span className="badge badge-info">Resale capped at {cap}</span>}
        </p>
        {onSale && (
          <p>
            <Link
              href={
                user
                  ? `/sell?event=${event.id}`
                  : `/signin?next=${encodeURIComponent(`/sell?event=${event.id}`)}`
              }
              className="button button-secondary"
            >
              Sell a ticket for this event
            </Link>
          </p>
        )}
      </header>

      <section aria-labelledby="tickets-heading" className="home-section">
        <h2 id="tickets-heading">Tickets, cheapest first</h2>
        <form method="get" className="search-form ticket-filters" aria-label="Filter tickets">
          <div className="filter-field">
            <label htmlFor="filter-max">Up to, with fees ($)</label>
            <input
              id="filter-max"
              name="maxPrice"
              type="text"
              inputMode="decimal"
              defaultValue={maxPrice}
              placeholder="Any price"
              maxLength={12}
            />
          </div>
          <div className="filter-field">
            <label htmlFor="filter-section">Section</label>
            <input
              id="filter-section"
              name="section"
              type="text"
              defaultValue={section}
              maxLength={40}
              placeholder="Any"
            />
          </div>
          <button type="submit" className="button button-secondary">
            Filter
          </button>
        </form>
        {!tickets.ok ? (
          <div className="alert alert-error" role="alert">
            <p>{tickets.errors.map((e) => e.message).join(' ')}</p>
          </div>
        ) : tickets.data.length === 0 ? (
          <p className="muted">
            {!onSale
              ? 'Tickets for this event are no longer on sale.'
              : maxPrice || section
                ? 'No tickets match these filters.'
                : 'No tickets on sale yet.'}
          </p>
        ) : (
          <ul className="list">
            {tickets.data.map((ticket) => (
              <li key={ticket.id} className="list-item event-ticket">
                <div className="list-main">
                  <Link href={`/tickets/${ticket.id}`} className="list-title">
                    {[ticket.section, ticket.row && `Row ${ticket.row}`, ticket.seat && `Seat ${ticket.seat}`]
                      .filter(Boolean)
                      .join(' · ') || ticket.title}
                  </Link>
                  <span className="muted">
                    {ticket.faceValue !== undefined &&
                      `Face value ${formatMoney(ticket.faceValue, ticket.currency)} · `}
                    Sold by {ticket.seller.displayName}
                  </span>
                  {user?.id === ticket.userId && <span className="badge badge-info">Your listing</span>}
                </div>
                <p className="price">
                  {formatMoney(ticket.buyerTotal, ticket.currency)}
                  <span className="price-note">incl. fees</span>
                </p>
              </li>
            ))}
          </ul>
        )}
        {tickets.ok && (
          <Pager
            basePath={`/events/${event.id}`}
            params={{ maxPrice, section }}
            nextCursor={tickets.nextCursor}
            isFirst={!cursor}
            label="Ticket pages"
          />
        )}
      </section>
    </div>
  )
}
