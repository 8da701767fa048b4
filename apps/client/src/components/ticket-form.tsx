'use client'

import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import { NO_ERRORS, splitErrors, type FormErrors } from '../lib/errors'
import { describeCap, formatEventTime, formatMoney } from '../lib/format'
import { quote } from '../lib/fees'
import { readPrice } from '../lib/price-input'
import type { CatalogueEvent, FeeSchedule, Ticket } from '../lib/types'
import { EventPicker } from './event-picker'
import { Field, FormAlert } from './form-parts'

const FIELDS = ['title', 'price', 'eventId', 'section', 'row', 'seat', 'faceValue'] as const
const CURRENCY = 'USD'

/** The highest price an event's cap allows for a face value, rounded down to the cent, as tickets counts it. */
function capFor(event: CatalogueEvent | undefined, faceValue: number | undefined): number | undefined {
  if (!event || event.priceCap.kind === 'none' || faceValue === undefined) return undefined
  const cents = Math.round(faceValue * 100)
  const extra = event.priceCap.kind === 'face' ? 0 : Math.floor((cents * (event.priceCap.percent ?? 0)) / 100)
  return (cents + extra) / 100
}

/** Under the price: what it comes to for both sides once typed, so a seller knows before listing. */
function priceHint(amount: number | undefined, fees: FeeSchedule | undefined): string {
  if (amount === undefined) return 'From 0.50 up to 1,000,000, such as 25 or 19,99.'
  if (!fees) return `Your price: ${formatMoney(amount, CURRENCY)}.`
  const { buyerTotal, sellerFee, sellerNet } = quote(amount, fees)
  return `Buyers pay ${formatMoney(buyerTotal, CURRENCY)} with fees. You receive ${formatMoney(sellerNet, CURRENCY)} (after our ${formatMoney(sellerFee, CURRENCY)} fee).`
}

/**
 * Lists a ticket (POST /api/tickets), for an event found by search or given, or edits one (PUT
 * /api/tickets/:id). Prices are read as people type them (readPrice) and shown back before they are saved.
 */
export function TicketForm({
  ticket,
  event: givenEvent,
  fees,
}: {
  ticket?: Ticket
  event?: CatalogueEvent
  /** The fee rates, to show what buyers pay and what the seller receives; without them, the price alone. */
  fees?: FeeSchedule
}) {
  const router = useRouter()
  const [event, setEvent] = useState<CatalogueEvent | undefined>(givenEvent)
  const [withoutEvent, setWithoutEvent] = useState(Boolean(ticket && !ticket.eventId))
  const [title, setTitle] = useState(ticket?.title ?? '')
  const [price, setPrice] = useState(ticket ? ticket.price.toFixed(2) : '')
  const [faceValue, setFaceValue] = useState('')
  const [place, setPlace] = useState({ section: '', row: '', seat: '' })
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [pending, setPending] = useState(false)
  const [saved, setSaved] = useState(false)

  const editing = ticket !== undefined
  const capped = event !== undefined && event.priceCap.kind !== 'none'
  const priceReading = price.trim() === '' ? undefined : readPrice(price)
  const faceReading = faceValue.trim() === '' ? undefined : readPrice(faceValue)
  const highest = capFor(event, faceReading?.ok ? faceReading.amount : undefined)
  const choosing = !editing && !event && !withoutEvent

  async function submit(submitted: FormEvent<HTMLFormElement>) {
    submitted.preventDefault()
    setSaved(false)
    const fieldErrors: Record<string, string> = {}
    // Every field the form can tell is wrong is named at once, as the API does.
    if ((editing || !event) && title.trim() === '') fieldErrors.title = 'Title is required'
    if (capped && !editing && !faceReading)
      fieldErrors.faceValue = 'Face value is required: this event caps resale prices'
    if (!priceReading) fieldErrors.price = 'Enter a price, such as 25 or 19.99'
    else if (!priceReading.ok) fieldErrors.price = priceReading.message
    if (faceReading && !faceReading.ok) fieldErrors.faceValue = faceReading.message
    if (Object.keys(fieldErrors).length > 0 || !priceReading?.ok) {
      setErrors({ fields: fieldErrors, form: [] })
      return
    }
    setPending(true)
    setErrors(NO_ERRORS)
    const listing = {
      price: priceReading.amount,
      ...(title.trim() && { title }),
      ...(event && {
        eventId: event.id,
        ...(place.section.trim() && { section: place.section }),
        ...(place.row.trim() && { row: place.row }),
        ...(place.seat.trim() && { seat: place.seat }),
        ...(faceReading?.ok && { faceValue: faceReading.amount }),
      }),
    }
    const result = editing
      ? await apiFetch<Ticket>(`/api/tickets/${ticket.id}`, {
          method: 'PUT',
          body: { title, price: priceReading.amount },
        })
      : await apiFetch<Ticket>('/api/tickets', { method: 'POST', body: listing })
    setPending(false)
    if (!result.ok) {
      setErrors(splitErrors(result.errors, FIELDS))
      return
    }
    if (editing) {
      setSaved(true)
      router.refresh()
    } else {
      router.push(`/tickets/${result.data.id}`)
    }
  }

  if (choosing) {
    return (
      <div className="card form">
        <EventPicker onPick={setEvent} />
        <p className="muted">
          Not in the catalogue?{' '}
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() => setWithoutEvent(true)}
          >
            List it with a title instead
          </button>
        </p>
      </div>
    )
  }

  return (
    <form
      className="card form"
      onSubmit={(submitted) => void submit(submitted)}
      noValidate
      aria-busy={pending}
    >
      <FormAlert messages={errors.form} />
      {event && !editing && (
        <div className="chosen-event">
          <p>
            <strong>{event.name}</strong>
            <br />
            <span className="muted">
              {formatEventTime(event.startsAt, event.timezone)} · {event.venue}, {event.city}
            </span>
          </p>
          {!givenEvent && (
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => setEvent(undefined)}
            >
              Change event
            </button>
          )}
        </div>
      )}
      {(editing || !event) && (
        <Field
          name="title"
          label="Title"
          type="text"
          required
          maxLength={200}
          autoComplete="off"
          placeholder="e.g. Taylor Swift, Madison Square Garden, Row 12"
          value={title}
          onChange={(change) => setTitle(change.target.value)}
          error={errors.fields['title']}
        />
      )}
      {event && !editing && (
        <div className="field-row">
          {(['section', 'row', 'seat'] as const).map((part) => (
            <Field
              key={part}
              name={part}
              label={part[0]!.toUpperCase() + part.slice(1)}
              type="text"
              maxLength={40}
              autoComplete="off"
              value={place[part]}
              onChange={(change) => setPlace({ ...place, [part]: change.target.value })}
              error={errors.fields[part]}
            />
          ))}
        </div>
      )}
      {event && !editing && (
        <Field
          name="faceValue"
          label={capped ? 'Face value (USD)' : 'Face value (USD, optional)'}
          prefix="$"
          type="text"
          inputMode="decimal"
          required={capped}
          autoComplete="off"
          placeholder="as printed on the ticket"
          value={faceValue}
          onChange={(change) => setFaceValue(change.target.value)}
          error={errors.fields['faceValue']}
          hint={
            capped
              ? `Resale of this event is capped at ${describeCap(event.priceCap)}${
                  highest !== undefined ? `: at most ${formatMoney(highest, CURRENCY)}` : ''
                }.`
              : undefined
          }
        />
      )}
      <Field
        name="price"
        label="Price (USD)"
        prefix="$"
        type="text"
        inputMode="decimal"
        required
        autoComplete="off"
        placeholder="0.00"
        value={price}
        onChange={(change) => setPrice(change.target.value)}
        error={errors.fields['price']}
        hint={priceHint(priceReading?.ok ? priceReading.amount : undefined, fees)}
      />
      {priceReading && !priceReading.ok && !errors.fields['price'] && (
        <p className="inline-error" role="status">
          {priceReading.message}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : editing ? 'Save changes' : 'List ticket'}
        </button>
      </div>
      <p role="status" className="status-text">
        {saved ? 'Changes saved.' : ''}
      </p>
    </form>
  )
}
