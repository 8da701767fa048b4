import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { Pager } from '../../components/pager'
import { PayoutSetup } from '../../components/payout-setup'
import { apiGet, getCurrentUser } from '../../lib/api-server'
import { formatDate, formatMoney } from '../../lib/format'
import type { Payout } from '../../lib/types'

export const metadata: Metadata = { title: 'Payouts' }

const STATUS: Record<Payout['status'], { label: string; tone: string }> = {
  pending: { label: 'Pending', tone: 'warning' },
  releasable: { label: 'On its way', tone: 'info' },
  paid: { label: 'Paid', tone: 'success' },
  cancelled: { label: 'Cancelled (refunded)', tone: 'neutral' },
}

/** What the member's sales have earned them, and when it is paid. */
export default async function PayoutsPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const user = await getCurrentUser()
  if (!user) redirect('/signin?next=/payouts')
  const { cursor } = await searchParams
  const query = new URLSearchParams({ limit: '25', ...(cursor && { cursor }) })
  const [result, account] = await Promise.all([
    apiGet<Payout[]>(`/api/payments/payouts?${query.toString()}`),
    apiGet<{ needed: boolean; connected: boolean }>('/api/payments/payouts/account'),
  ])

  return (
    <>
      <div className="page-heading">
        <h1>Payouts</h1>
        <Link href="/listings" className="button button-secondary">
          My listings
        </Link>
      </div>
      <p className="lead">
        When a ticket you sell is paid for, you are owed its price less our fee. It is paid out a few days
        after the event, so that buyers are refunded first if the event is cancelled.
      </p>
      {account.ok && account.data.needed && !account.data.connected && <PayoutSetup />}
      {!result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>Your payouts could not be loaded: {result.errors.map((e) => e.message).join(' ')}</p>
        </div>
      ) : result.data.length === 0 ? (
        <div className="empty-state">
          <h2>No sales yet</h2>
          <p>
            <Link href="/sell">List a ticket</Link>; once it sells, what you receive shows here.
          </p>
        </div>
      ) : (
        <ul className="list">
          {result.data.map((payout) => (
            <li key={payout.id} className="list-item">
              <div className="list-main">
                {payout.ticketId ? (
                  <Link href={`/tickets/${payout.ticketId}`} className="list-title">
                    Sale of a ticket
                  </Link>
                ) : (
                  <span className="list-title">Sale</span>
                )}
                <span className="price">{formatMoney(payout.amount, payout.currency)}</span>
                <span className="muted">
                  {payout.status === 'paid' && payout.paidAt
                    ? `Paid ${formatDate(payout.paidAt)}`
                    : payout.status === 'cancelled'
                      ? 'The sale was refunded'
                      : payout.releaseAt
                        ? `Paid from ${formatDate(payout.releaseAt)}`
                        : 'Paid a few days after the event'}
                </span>
              </div>
              <span className={`badge badge-${STATUS[payout.status].tone}`}>
                {STATUS[payout.status].label}
              </span>
            </li>
          ))}
        </ul>
      )}
      {result.ok && (
        <Pager basePath="/payouts" nextCursor={result.nextCursor} isFirst={!cursor} label="Payout pages" />
      )}
    </>
  )
}
