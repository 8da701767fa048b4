import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { HoldingActions } from '../../components/holding-actions'
import { Pager } from '../../components/pager'
import { apiGet, getCurrentUser } from '../../lib/api-server'
import { formatMoney } from '../../lib/format'
import type { Ticket } from '../../lib/types'

export const metadata: Metadata = { title: 'My listings' }

export default async function ListingsPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const user = await getCurrentUser()
  if (!user) redirect('/signin?next=/listings')
  const { cursor } = await searchParams
  const query = new URLSearchParams({ userId: user.id, limit: '25' })
  if (cursor) query.set('cursor', cursor)
  const result = await apiGet<Ticket[]>(`/api/tickets?${query.toString()}`)

  return (
    <>
      <div className="page-heading">
        <h1>My listings</h1>
        <Link href="/sell" className="button button-primary">
          Sell a ticket
        </Link>
      </div>
      {!result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>Your listings could not be loaded: {result.errors.map((e) => e.message).join(' ')}</p>
        </div>
      ) : result.data.length === 0 ? (
        <div className="empty-state">
          <h2>You are not selling anything yet</h2>
          <p>
            Got a ticket you cannot use? <Link href="/sell">List it for sale</Link>.
          </p>
        </div>
      ) : (
        <ul className="list">
          {result.data.map((ticket) => (
            <li key={ticket.id} className="list-item">
              <div className="list-main">
                <Link href={`/tickets/${ticket.id}`} className="list-title">
                  {ticket.title}
                </Link>
                <span className="price">{formatMoney(ticket.price, ticket.currency)}</span>
                <span className="muted">
                  Buyers pay {formatMoney(ticket.buyerTotal, ticket.currency)} · you receive{' '}
                  {formatMoney(ticket.sellerNet, ticket.currency)}
                </span>
              </div>
              <div className="list-side">
                <span className={`badge badge-${LISTING_TONE[ticket.status]}`}>
                  {LISTING_LABEL[ticket.status]}
                </span>
                {ticket.status === 'available' && <HoldingActions ticket={ticket} />}
              </div>
            </li>
          ))}
        </ul>
      )}
      {result.ok && (
        <Pager basePath="/listings" nextCursor={result.nextCursor} isFirst={!cursor} label="Listing pages" />
      )}
    </>
  )
}

const LISTING_LABEL: Record<Ticket['status'], string> = {
  available: 'Available',
  reserved: 'Reserved',
  sold: 'Sold',
  withdrawn: 'Withdrawn',
}
const LISTING_TONE: Record<Ticket['status'], string> = {
  available: 'success',
  reserved: 'warning',
  sold: 'neutral',
  withdrawn: 'neutral',
}
