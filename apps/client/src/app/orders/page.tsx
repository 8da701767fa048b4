import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { Pager } from '../../components/pager'
import { apiGet, getCurrentUser } from '../../lib/api-server'
import { formatMoney, ORDER_STATUS_LABEL, ORDER_STATUS_TONE } from '../../lib/format'
import type { Order } from '../../lib/types'

export const metadata: Metadata = { title: 'My orders' }

export default async function OrdersPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  if (!(await getCurrentUser())) redirect('/signin?next=/orders')
  const { cursor } = await searchParams
  const query = new URLSearchParams({ limit: '25' })
  if (cursor) query.set('cursor', cursor)
  const result = await apiGet<Order[]>(`/api/orders?${query.toString()}`)

  return (
    <>
      <h1>My orders</h1>
      {!result.ok ? (
        <div className="alert alert-error" role="alert">
          <p>Your orders could not be loaded: {result.errors.map((e) => e.message).join(' ')}</p>
        </div>
      ) : result.data.length === 0 ? (
        <div className="empty-state">
          <h2>No orders yet</h2>
          <p>
            When you reserve a ticket it shows up here. <Link href="/">Browse tickets</Link>
          </p>
        </div>
      ) : (
        <ul className="list">
          {result.data.map((order) => (
            <li key={order.id} className="list-item">
              <div className="list-main">
                <Link href={`/orders/${order.id}`} className="list-title">
                  {order.ticket.title}
                </Link>
                <span className="price">{formatMoney(order.total, order.ticket.currency)}</span>
              </div>
              <span className={`badge badge-${ORDER_STATUS_TONE[order.status]}`}>
                {ORDER_STATUS_LABEL[order.status]}
              </span>
            </li>
          ))}
        </ul>
      )}
      {result.ok && (
        <Pager basePath="/orders" nextCursor={result.nextCursor} isFirst={!cursor} label="Order pages" />
      )}
    </>
  )
}
