'use client'

import { useRouter } from 'next/navigation'
import { useRef, useState } from 'react'
import { apiFetch } from '../lib/api-client'
import type { Order } from '../lib/types'
import { FormAlert } from './form-parts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Reserves the ticket (POST /api/orders) at the price the buyer sees, and opens the order, where they pay. If
 * the seller changed the price a moment ago, orders answers 409 and the page shows the new one.
 */
export function BuyButton({ ticketId, price, label }: { ticketId: string; price: number; label: string }) {
  const router = useRouter()
  const [pending, setPending] = useState(false)
  const [errors, setErrors] = useState<string[]>([])
  // One key per click: a retried request returns the first order instead of failing as "already reserved".
  const idempotencyKey = useRef<string | undefined>(undefined)

  async function buy() {
    setPending(true)
    setErrors([])
    idempotencyKey.current ??= crypto.randomUUID()
    const headers = { 'idempotency-key': idempotencyKey.current }
    const body = { ticketId, price }
    let result = await apiFetch<Order>('/api/orders', { method: 'POST', body, headers })
    // A ticket listed a moment ago may not have reached orders yet: give it a few seconds.
    for (let attempt = 0; !result.ok && result.status === 404 && attempt < 4; attempt++) {
      await sleep(750)
      result = await apiFetch<Order>('/api/orders', { method: 'POST', body, headers })
    }
    if (result.ok) {
      router.push(`/orders/${result.data.id}`)
      return
    }
    idempotencyKey.current = undefined
    setPending(false)
    if (result.status === 401) {
      window.location.assign(`/signin?next=${encodeURIComponent(`/tickets/${ticketId}`)}`)
      return
    }
    if (result.status === 409) router.refresh() // the price changed: show the one it is now
    const taken = result.status === 400 && result.errors.some((e) => /reserved/i.test(e.message))
    setErrors(
      taken
        ? ['Someone else is holding this ticket right now. It comes back on sale if their hold runs out.']
        : result.errors.map((e) => e.message),
    )
  }

  return (
    <div className="stack">
      <FormAlert messages={errors} />
      <button
        type="button"
        className="button button-primary button-large"
        onClick={() => void buy()}
        disabled={pending}
      >
        {pending ? 'Reserving…' : label}
      </button>
    </div>
  )
}
