import Link from 'next/link'
import { Pager } from '../components/pager'
import { apiGet, getCurrentUser } from '../lib/api-server'
import { holdInWords } from '../lib/config'
import { formatMoney } from '../lib/format'
import type { Ticket } from '../lib/types'

const PAGE_SIZE = 24

type Search = Promise<Record<string, string | string[] | undefined>>

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** The tickets for sale, newest first; with `q`, those whose title contains it (the API searches). */
async function browse(q: string | undefined, cursor: string | undefined) {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) })
  if (q) query.set('q', q)
  if (cursor) query.set('cursor', cursor)
  return apiGet<Ticket[]>(`/api/tickets?${query.toString()}`)
}

export default async function HomePage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams
  const q = first(params['q'])?.trim() || undefined
  const cursor = first(params['cursor']) || undefined
  const [result, user] = await Promise.all([browse(q, cursor), getCurrentUser()])

  return (
    <>
      <section className="hero">
        <h1>Tickets for sale</h1>
        <p className="lead">
          Find a seat, reserve it, and pay within {holdInWords()}. Every ticket is sold only once.
        </p>
        <form action="/" method="get" className="search-form" role="search" aria-label="Tickets">
          <label htmlFor="search-q" className="visually-hidden">
            Search tickets by title
          </label>
          <input
            id="search-q"
            type="search"
            name="q"
            defaultValue={q}
            placeholder="Search by title"
            maxLength={100}
            autoComplete="off"
          />
          <button type="submit" className="button button-primary">
            Search
          </button>
        </form>
      </section>

      {!result.ok ? (
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
                <p className="price">{formatMoney(ticket.price, ticket.currency)}</p>
                {user?.id === ticket.userId && <span className="badge badge-info">Your listing</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {result.ok && (
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
