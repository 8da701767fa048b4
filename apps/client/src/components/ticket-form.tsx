'use client'

import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import { NO_ERRORS, splitErrors, type FormErrors } from '../lib/errors'
import type { Ticket } from '../lib/types'
import { Field, FormAlert } from './form-parts'

const FIELDS = ['title', 'price'] as const

/** Lists a ticket (POST /api/tickets) or, given one, edits it (PUT /api/tickets/:id). */
export function TicketForm({ ticket }: { ticket?: Ticket }) {
  const router = useRouter()
  const [title, setTitle] = useState(ticket?.title ?? '')
  const [price, setPrice] = useState(ticket ? ticket.price.toFixed(2) : '')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [pending, setPending] = useState(false)
  const [saved, setSaved] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setSaved(false)
    const amount = price.trim() === '' ? Number.NaN : Number(price.replace(/[$,\s]/g, ''))
    if (!Number.isFinite(amount)) {
      setErrors({ fields: { price: 'Enter a price, such as 25 or 19.99' }, form: [] })
      return
    }
    setPending(true)
    setErrors(NO_ERRORS)
    const result = ticket
      ? await apiFetch<Ticket>(`/api/tickets/${ticket.id}`, { method: 'PUT', body: { title, price: amount } })
      : await apiFetch<Ticket>('/api/tickets', { method: 'POST', body: { title, price: amount } })
    setPending(false)
    if (!result.ok) {
      setErrors(splitErrors(result.errors, FIELDS))
      return
    }
    if (ticket) {
      setSaved(true)
      router.refresh()
    } else {
      router.push(`/tickets/${result.data.id}`)
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void submit(event)} noValidate aria-busy={pending}>
      <FormAlert messages={errors.form} />
      <Field
        name="title"
        label="Title"
        type="text"
        required
        maxLength={200}
        autoComplete="off"
        placeholder="e.g. Taylor Swift, Madison Square Garden, Row 12"
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        error={errors.fields['title']}
      />
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
        onChange={(event) => setPrice(event.target.value)}
        error={errors.fields['price']}
        hint="From 0.50 up to 1,000,000, with at most 2 decimals."
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : ticket ? 'Save changes' : 'List ticket'}
        </button>
      </div>
      <p role="status" className="status-text">
        {saved ? 'Changes saved.' : ''}
      </p>
    </form>
  )
}
