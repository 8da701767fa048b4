import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { BuyButton } from '../../../components/buy-button'
import { Problem } from '../../../components/problem'
import { TicketForm } from '../../../components/ticket-form'
import { apiGet, getCurrentUser } from '../../../lib/api-server'
import { formatDate, formatEventTime, formatMoney } from '../../../lib/format'
import type { CatalogueEvent, CustodyStep, FeeSchedule, Order, Ticket } from '../../../lib/types'

type Params = Promise<{ id: string }>

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const result = await apiGet<Ticket>(`/api/tickets/${encodeURIComponent((await params).id)}`)
  if (result.ok) return { title: result.data.title }
  return { title: result.status === 404 ? 'Ticket not found' : 'Ticket' }
}

export default async function TicketPage({ params }: { params: Params }) {
  const { id } = await params
  const [result, user] = await Promise.all([
    apiGet<Ticket>(`/api/tickets/${encodeURIComponent(id)}`),
    getCurrentUser(),
  ])
  if (!result.ok && result.status === 404) notFound()
  if (!result.ok) {
    return (
      <Problem title="This ticket could not be loaded">
        <p role="alert">{result.errors.map((e) => e.message).join(' ')}</p>
      </Problem>
    )
  }
  const ticket = result.data
  const mine = user?.id === ticket.userId
  const reserved = ticket.status !== 'available'
  const sold = ticket.status === 'sold'
  // All-in first: what a buyer pays. A seller sees what they receive.
  const price = formatMoney(ticket.buyerTotal, ticket.currency)
  // Reserved: if the order is the viewer's own, say so and link to it (someone else's answers 401).
  const own = reserved && user && !mine ? await apiGet<Order>(`/api/orders/${ticket.orderId}`) : undefined
  const myOrder = own?.ok ? own.data : undefined
  const eventResult = ticket.eventId
    ? await apiGet<CatalogueEvent>(`/api/events/${encodeURIComponent(ticket.eventId)}`)
    : undefined
  const event = eventResult?.ok ? eventResult.data : undefined
  const fees = mine && !reserved ? await apiGet<FeeSchedule>('/api/tickets/fees') : undefined
  const history = await apiGet<CustodyStep[]>(`/api/tickets/${encodeURIComponent(ticket.id)}/history`)
  const steps = history.ok ? history.data : []
  const sales = steps.filter((step) => step.kind === 'sold')
  const lastSale = sales.at(-1)
  const place = [
    ticket.section,
    ticket.row && `Row ${ticket.row}`,
    ticket.seat && `Seat ${ticket.seat}`,
  ].filter(Boolean)

  return (
    <div className="ticket-detail">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={mine ? '/listings' : '/'}>{mine ? '← My listings' : '← All tickets'}</Link>
      </nav>
      <article className="card ticket-hero">
        <div>
          <h1>{ticket.title}</h1>
          {event && (
            <p className="ticket-event">
              <Link href={`/events/${event.id}`}>{event.name}</Link>
              {' · '}
              <time dateTime={event.startsAt}>{formatEventTime(event.startsAt, event.timezone)}</time>
              {' · '}
              {event.venue}, {event.city}
              {event.status !== 'scheduled' && (
                <>
                  {' '}
                  <span className={`badge badge-${event.status === 'cancelled' ? 'danger' : 'warning'}`}>
                    {event.status === 'cancelled' ? 'Cancelled' : 'Postponed'}
                  </span>
                </>
              )}
            </p>
          )}
          {place.length > 0 && <p className="muted">{place.join(' · ')}</p>}
          <p className="price price-large">{price}</p>
          <p className="muted price-breakdown">
            {mine
              ? `Listed at ${formatMoney(ticket.price, ticket.currency)} · buyers pay ${price} with the ${formatMoney(ticket.buyerFee, ticket.currency)} service fee · you receive ${formatMoney(ticket.sellerNet, ticket.currency)}`
              : `${formatMoney(ticket.price, ticket.currency)} + ${formatMoney(ticket.buyerFee, ticket.currency)} service fee, nothing more at checkout`}
          </p>
          <p className="muted">
            {ticket.faceValue !== undefined &&
              `Face value ${formatMoney(ticket.faceValue, ticket.currency)} · `}
            Sold by {ticket.seller.displayName}
          </p>
        </div>
        <p>
          {reserved ? (
            <span className={`badge badge-${sold ? 'neutral' : 'warning'}`}>
              {sold ? 'Sold' : 'Reserved'}
            </span>
          ) : (
            <span className="badge badge-success">Available</span>
          )}{' '}
          {mine && <span className="badge badge-info">Your listing</span>}
        </p>

        {mine ? (
          sold ? (
            <p className="muted">This ticket has been sold.</p>
          ) : reserved ? (
            <p className="muted">
              A buyer is holding this ticket, so it cannot be edited. If the hold runs out without payment, it
              comes back on sale.
            </p>
          ) : null
        ) : user && ticket.holderId === user.id ? (
          <p>
            This ticket is yours. Its entry code, and the ways to sell it on or give it away, are in{' '}
            <Link href="/my-tickets">My tickets</Link>.
          </p>
        ) : myOrder ? (
          <p>
            {myOrder.status === 'complete' ? 'You bought this ticket. ' : 'You are holding this ticket. '}
            <Link href={`/orders/${myOrder.id}`} className="button button-primary">
              {myOrder.status === 'complete' ? 'View your order' : 'Go to your order to pay'}
            </Link>
          </p>
        ) : sold ? (
          <p className="muted">This ticket has been sold.</p>
        ) : reserved ? (
          <p className="muted">
            Someone else is holding this ticket. If their hold runs out without payment, it comes back on
            sale.
          </p>
        ) : user ? (
          <BuyButton ticketId={ticket.id} price={ticket.buyerTotal} label={`Buy for ${price}`} />
        ) : (
          <p>
            <Link
              href={`/signin?next=${encodeURIComponent(`/tickets/${ticket.id}`)}`}
              className="button button-primary button-large"
            >
              Sign in to buy
            </Link>
          </p>
        )}
      </article>

      {steps.length > 0 && (
        <section aria-labelledby="history-heading" className="narrow-section">
          <h2 id="history-heading">This ticket’s story</h2>
          <p>
            {sales.length === 0
              ? 'Not sold yet.'
              : sales.length === 1
                ? `Sold once, at ${formatMoney(lastSale!.price ?? 0, lastSale!.currency ?? ticket.currency)}.`
                : `Resold ${sales.length - 1} ${sales.length === 2 ? 'time' : 'times'}, last at ${formatMoney(lastSale!.price ?? 0, lastSale!.currency ?? ticket.currency)}.`}
            {ticket.faceValue !== undefined &&
              ` Face value ${formatMoney(ticket.faceValue, ticket.currency)}.`}
          </p>
          <ol className="custody">
            {steps.map((step, index) => (
              <li key={index}>
                <time dateTime={step.at}>{formatDate(step.at)}</time>{' '}
                {step.kind === 'listed'
                  ? `Listed by ${step.from?.displayName ?? 'a member'} at ${formatMoney(step.price ?? 0, step.currency ?? ticket.currency)}`
                  : step.kind === 'sold'
                    ? `Sold to ${step.to?.displayName ?? 'a member'} for ${formatMoney(step.price ?? 0, step.currency ?? ticket.currency)}`
                    : `Given by ${step.from?.displayName ?? 'a member'} to ${step.to?.displayName ?? 'a member'}`}
              </li>
            ))}
          </ol>
        </section>
      )}

      {mine && !reserved && (
        <section aria-labelledby="edit-heading" className="narrow-section">
          <h2 id="edit-heading">Edit your listing</h2>
          <TicketForm ticket={ticket} {...(fees?.ok && { fees: fees.data })} />
        </section>
      )}
    </div>
  )
}
