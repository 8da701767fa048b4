'use client'

import { useState } from 'react'
import { apiFetch } from '../lib/api-client'
import { FormAlert } from './form-parts'

/** Sends the seller to Stripe to set up the account their payouts go to; Stripe sends them back here. */
export function PayoutSetup() {
  const [pending, setPending] = useState(false)
  const [errors, setErrors] = useState<string[]>([])

  async function start() {
    setPending(true)
    setErrors([])
    const result = await apiFetch<{ url: string }>('/api/payments/payouts/onboarding', { method: 'POST' })
    if (result.ok) {
      window.location.assign(result.data.url)
      return
    }
    setPending(false)
    setErrors(result.errors.map((error) => error.message))
  }

  return (
    <div className="alert alert-info">
      <p>
        To be paid, tell our payment provider, Stripe, where to send the money. It takes a few minutes; your
        payouts wait until then.
      </p>
      <FormAlert messages={errors} />
      <button type="button" className="button button-primary" disabled={pending} onClick={() => void start()}>
        {pending ? 'Opening Stripe…' : 'Set up payouts'}
      </button>
    </div>
  )
}
