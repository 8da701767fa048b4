import Link from 'next/link'
import { formatEventTime, formatMoney } from '../lib/format'
import type { CatalogueEvent } from '../lib/types'

/** One event in a grid: its picture, name, when and where, and what its tickets cost from. */
export function EventCard({ event }: { event: CatalogueEvent }) {
  const { count, lowestPrice, currency } = event.listings
  return (
    <li className="event-card">
      <div className="event-image" aria-hidden="true">
        {event.imageUrl ? (
          <img src={event.imageUrl} alt="" loading="lazy" />
        ) : (
          <span className={`event-image-fallback category-${event.category}`}>{event.name.slice(0, 1)}</span>
        )}
      </div>
      <div className="event-body">
        <h3 className="event-name">
          <Link href={`/events/${event.id}`} className="stretched-link">
            {event.name}
          </Link>
        </h3>
        <p className="event-when">
          <time dateTime={event.startsAt}>{formatEventTime(event.startsAt, event.timezone)}</time>
        </p>
        <p className="event-where muted">
          {event.venue}, {event.city}
        </p>
        <p className="event-offer">
          {lowestPrice === null ? (
            <span className="muted">No tickets on sale</span>
          ) : (
            <>
              <span className="price">from {formatMoney(lowestPrice, currency)}</span>{' '}
              <span className="muted">incl. fees</span>{' '}
              <span className="muted">
                · {count} {count === 1 ? 'ticket' : 'tickets'}
              </span>
            </>
          )}
        </p>
        {event.status === 'postponed' && (
          <span className="badge badge-warning">
            Postponed
            {event.firstStartsAt && ` from ${formatEventTime(event.firstStartsAt, event.timezone)}`}
          </span>
        )}
      </div>
    </li>
  )
}
