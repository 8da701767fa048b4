'use client'

import { useEffect, useId, useState } from 'react'
import { apiFetch } from '../lib/api-client'
import { formatEventTime } from '../lib/format'
import type { CatalogueEvent } from '../lib/types'

/**
 * Finds the event a ticket is for, as the seller types (the catalogue's search: words of the name,
 * performer, venue or city, in any order). The results are a list of buttons; choosing one hands it to the form.
 */
export function EventPicker({ onPick }: { onPick: (event: CatalogueEvent) => void }) {
  const id = useId()
  const [q, setQ] = useState('')
  const [found, setFound] = useState<CatalogueEvent[] | undefined>(undefined)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    const words = q.trim()
    if (words.length < 2) {
      setFound(undefined)
      return
    }
    let current = true
    const timer = setTimeout(() => {
      void apiFetch<CatalogueEvent[]>(`/api/events?limit=8&q=${encodeURIComponent(words)}`).then((result) => {
        if (!current) return
        setFailed(!result.ok)
        setFound(result.ok ? result.data : [])
      })
    }, 200)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [q])

  return (
    <div className="field event-picker">
      <label htmlFor={`${id}-q`}>Event</label>
      <p id={`${id}-hint`} className="field-hint">
        Search by artist, event, venue or city.
      </p>
      <input
        id={`${id}-q`}
        type="search"
        value={q}
        maxLength={100}
        autoComplete="off"
        placeholder="e.g. Hamilton London"
        aria-describedby={`${id}-hint`}
        aria-controls={`${id}-results`}
        onChange={(event) => setQ(event.target.value)}
      />
      <div id={`${id}-results`} aria-live="polite">
        {failed ? (
          <p className="field-error">Events could not be searched right now; try again.</p>
        ) : found === undefined ? null : found.length === 0 ? (
          <p className="muted">No upcoming event matches “{q.trim()}”.</p>
        ) : (
          <ul className="picker-results">
            {found.map((event) => (
              <li key={event.id}>
                <button type="button" className="picker-result" onClick={() => onPick(event)}>
                  <strong>{event.name}</strong>
                  <span className="muted">
                    {formatEventTime(event.startsAt, event.timezone)} · {event.venue}, {event.city}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  )
}
