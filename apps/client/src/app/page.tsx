import Link from 'next/link'
import { EventCard } from '../components/event-card'
import { Pager } from '../components/pager'
import { apiGet, getCurrentUser } from '../lib/api-server'
import { holdInWords } from '../lib/config'
import { CATEGORY_LABEL, formatMoney } from '../lib/format'
import type { CatalogueEvent, Ticket } from '../lib/types'

const PAGE_SIZE = 24
const EVENTS_SHOWN = 12

type Search = Promise<Record<string, string | string[] | undefined>>

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Upcoming events, soonest first, matching the search and filters (the API searches and filters). */
async function upcoming(filters: { q?: string; city?: string; category?: string }) {
  const query = new URLSearchParams({ limit: String(EVENTS_SHOWN) })
  for (const [name, value] of Object.entries(filters)) if (value) query.set(name, value)
  return apiGet<CatalogueEvent[]>(`/api/events?${query.toString()}`)
}

/** The tickets for sale, newest first; with `q`, those whose title holds its words (the API searches). */
async function browse(q: string | undefined, cursor: string | undefined) {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) })
  if (q) query.set('q', q)
  if (cursor) query.set('cursor', cursor)
  return apiGet<Ticket[]>(`/api/tickets?${query.toString()}`)
}

export default async function HomePage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams
  const q = first(params['q'])?.trim() || undefined
  const city = first(params['city'])?.trim() || undefined
  const category = CATEGORY_LABEL[first(params['category']) ?? ''] ? first(params['category']) : undefined
  const cursor = first(params['cursor']) || undefined
  const filtered = Boolean(city || category)
  const [events, result, user] = await Promise.all([
    cursor ? undefined : upcoming({ q, city, category }),
    filtered ? undefined : browse(q, cursor),
    getCurrentUser(),
  ])

  return (
    <>
      <section className="hero">
        <h1>Tickets for live events</h1>
        <p className="lead">
          Find an event, pick a seat, and pay within {holdInWords()}. Every ticket is sold only once.
        </p>
        <form
          action="/"
          method="get"
          className="search-form event-filters"
          role="search"
          aria-label="Events and tickets"
        >
          <label htmlFor="search-q" className="visually-hidden">
            Search events and tickets
          </label>
          <input
            id="search-q"
            type="search"
            name="q"
            defaultValue={q}
            placeholder="Artist, event or venue"
            maxLength={100}
            autoComplete="off"
          />
          <label htmlFor="search-city" className="visually-hidden">
            City
          </label>
          <input
            id="search-city"
            type="text"
            name="city"
            defaultValue={city}
            placeholder="City"
            maxLength={100}
            autoComplete="address-level2"
          />
          <label htmlFor="search-category" className="visually-hidden">
            Category
          </label>
          <select id="search-category" name="category" defaultValue={category ?? ''}>
            <option value="">All categories</option>
            {Object.entries(CATEGORY_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-primary">
            Search
          </button>
        </form>
      </section>

      {events && (
        <section aria-labelledby="events-heading" className="home-section">
          <h2 id="events-heading">{q || filtered ? 'Matching events' : 'Upcoming events'}</h2>
          {!events.ok ? (
            <div className="alert alert-error" role="alert">
              <p>Events could not be loaded: {events.errors.map((e) => e.message).join(' ')}</p>
            </div>
          ) : events.data.length === 0 ? (
            <p className="muted">
              {q || filtered ? 'No upcoming events match. ' : 'No upcoming events yet. '}
              {(q || filtered) && <Link href="/">See every event</Link>}
            </p>
          ) : (
            <ul className="event-grid">
              {events.data.map((event) => (
                <EventCard key={event.id} event={event} />
              ))}
            </ul>
          )}
        </section>
      )}

      {result && <h2 className="home-section-heading">{q ? 'Matching listings' : 'Latest listings'}</h2>}
      {!result ? null : !result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>Tickets could not be loaded: {result.errors.map((e) => e.message).join(' ')}</p>
        </div>
      ) : result.data.length === 0 ? (
        <div className="empty-state">
          {q ? (
            <>
              <h2>No tickets match “{q}”</h2>
              <p>
                Try a shorter or different word, or <Link href="/">see every ticket</Link>.
              </p>
            </>
          ) : (
            <>
              <h2>{cursor ? 'No more tickets' : 'No tickets for sale right now'}</h2>
              <p>
                {user ? 'Have a spare ticket? ' : 'Check back soon, or '}
                <Link href="/sell">sell a ticket</Link>.
              </p>
            </>
          )}
        </div>
      ) : (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" className="visually-hidden">
            {q ? `Tickets matching “${q}”` : 'Available tickets'}
          </h2>
          {q && <p className="muted">Tickets matching “{q}”</p>}
          <ul className="ticket-grid">
            {result.data.map((ticket) => (
              <li key={ticket.id} className="ticket-card">
                <h3 className="ticket-title">
                  <Link href={`/tickets/${ticket.id}`} className="stretched-link">
                    {ticket.title}
                  </Link>
                </h3>
                {ticket.section && (
                  <p className="ticket-place">
                    {[ticket.section, ticket.row && `Row ${ticket.row}`, ticket.seat && `Seat ${ticket.seat}`]
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                )}
                <p className="price">
                  {formatMoney(ticket.buyerTotal, ticket.currency)}
                  <span className="price-note">incl. fees</span>
                </p>
                {user?.id === ticket.userId && <span className="badge badge-info">Your listing</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {result?.ok && (
        <Pager
          basePath="/"
          params={{ q }}
          nextCursor={result.nextCursor}
          isFirst={!cursor}
          label="Ticket pages"
        />
      )}
    </>
  )
}
