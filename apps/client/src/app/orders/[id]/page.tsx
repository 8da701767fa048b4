import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound, redirect } from 'next/navigation'
import { OrderPanel } from '../../../components/order-panel'
import { Problem } from '../../../components/problem'
import { apiGet, getCurrentUser } from '../../../lib/api-server'
import { stripePublishableKey } from '../../../lib/config'
import type { Order } from '../../../lib/types'

export const metadata: Metadata = { title: 'Your order' }

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  if (!(await getCurrentUser())) redirect(`/signin?next=${encodeURIComponent(`/orders/${id}`)}`)
  const result = await apiGet<Order>(`/api/orders/${encodeURIComponent(id)}`)
  if (!result.ok && result.status === 404) notFound()
  if (!result.ok) {
    return (
      <Problem title={result.status === 401 ? 'This order is not yours' : 'This order could not be loaded'}>
        <p role="alert">{result.errors.map((e) => e.message).join(' ')}</p>
      </Problem>
    )
  }
  const order = result.data
  return (
    <div className="order-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/orders">← My orders</Link>
      </nav>
      <h1>
        <span className="eyebrow">Order for</span> {order.ticket.title}
      </h1>
      <OrderPanel initialOrder={order} serverNow={Date.now()} stripeKey={stripePublishableKey()} />
    </div>
  )
}
