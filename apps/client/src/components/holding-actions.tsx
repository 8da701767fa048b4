'use client'

import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import { quote } from '../lib/fees'
import { formatMoney } from '../lib/format'
import { readPrice } from '../lib/price-input'
import type { FeeSchedule, Ticket } from '../lib/types'
import { Field, FormAlert } from './form-parts'

type Mode = 'idle' | 'relist' | 'transfer'

/**
 * What a holder does with a ticket: sell it again (the price read as typed, with what buyers pay and what they
 * receive shown before it is listed), give it to another member by email, or take a listing off sale.
 */
export function HoldingActions({ ticket, fees }: { ticket: Ticket; fees?: FeeSchedule }) {
  const router = useRouter()
  const [mode, setMode] = useState<Mode>('idle')
  const [price, setPrice] = useState('')
  const [email, setEmail] = useState('')
  const [errors, setErrors] = useState<{ field?: string; messages: string[] }>({ messages: [] })
  const [pending, setPending] = useState(false)
  const [notice, setNotice] = useState('')
  const reading = price.trim() === '' ? undefined : readPrice(price)
  const priced = reading?.ok && fees ? quote(reading.amount, fees) : undefined

  async function send(path: string, body?: object) {
    setPending(true)
    setErrors({ messages: [] })
    const result = await apiFetch<Ticket>(path, { method: 'POST', ...(body && { body }) })
    setPending(false)
    if (!result.ok) {
      setErrors({ field: result.errors[0]?.field, messages: result.errors.map((error) => error.message) })
      return false
    }
    setMode('idle')
    router.refresh()
    return true
  }

  async function relist(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!reading?.ok) {
      setErrors({
        field: 'price',
        messages: [reading ? reading.message : 'Enter a price, such as 25 or 19.99'],
      })
      return
    }
    if (await send(`/api/tickets/${ticket.id}/relist`, { price: reading.amount }))
      setNotice('Listed for sale.')
  }

  async function withdraw() {
    if (await send(`/api/tickets/${ticket.id}/withdraw`)) setNotice('Taken off sale.')
  }

  async function transfer(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (await send(`/api/tickets/${ticket.id}/transfer`, { email })) setNotice(`Sent to ${email.trim()}.`)
  }

  if (ticket.status === 'reserved') return <p className="muted">A buyer is holding it right now.</p>
  if (ticket.status === 'available') {
    return (
      <div className="holding-actions">
        <FormAlert messages={errors.messages} />
        <button
          type="button"
          className="button button-secondary"
          disabled={pending}
          onClick={() => void withdraw()}
        >
          Take off sale
        </button>
        <p role="status" className="status-text">
          {notice}
        </p>
      </div>
    )
  }
  return (
    <div className="holding-actions">
      {mode === 'idle' && (
        <div className="button-row">
          <button type="button" className="button button-primary" onClick={() => setMode('relist')}>
            Sell it
          </button>
          <button type="button" className="button button-secondary" onClick={() => setMode('transfer')}>
            Give it to someone
          </button>
        </div>
      )}
      {mode === 'relist' && (
        <form onSubmit={(event) => void relist(event)} noValidate className="inline-form">
          <Field
            name={`price-${ticket.id}`}
            label="Your price (USD)"
            prefix="$"
            type="text"
            inputMode="decimal"
            required
            autoComplete="off"
            value={price}
            onChange={(change) => setPrice(change.target.value)}
            error={errors.field === 'price' ? errors.messages[0] : undefined}
            hint={
              priced
                ? `Buyers pay ${formatMoney(priced.buyerTotal, ticket.currency)} with fees. You receive ${formatMoney(priced.sellerNet, ticket.currency)}.`
                : ticket.faceValue !== undefined
                  ? `Face value ${formatMoney(ticket.faceValue, ticket.currency)}; the event may cap resale prices.`
                  : 'From 0.50 up to 1,000,000.'
            }
          />
          {errors.field !== 'price' && <FormAlert messages={errors.messages} />}
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={pending}>
              {pending ? 'Listing…' : 'List for sale'}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setMode('idle')}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'transfer' && (
        <form onSubmit={(event) => void transfer(event)} noValidate className="inline-form">
          <Field
            name={`email-${ticket.id}`}
            label="Their email address"
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(change) => setEmail(change.target.value)}
            error={errors.field === 'email' ? errors.messages[0] : undefined}
            hint="They must have an account. The ticket and its entry code become theirs; yours stops working."
          />
          {errors.field !== 'email' && <FormAlert messages={errors.messages} />}
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={pending}>
              {pending ? 'Sending…' : 'Give ticket'}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setMode('idle')}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <p role="status" className="status-text">
        {notice}
      </p>
    </div>
  )
}
