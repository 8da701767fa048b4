'use client'

import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import { FormAlert } from './form-parts'

/** An admin's ban (with an optional reason) or unban for one user of the users page. */
export function BanControls({ userId, email, banned }: { userId: string; email: string; banned: boolean }) {
  const router = useRouter()
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [pending, setPending] = useState(false)
  const [errors, setErrors] = useState<string[]>([])

  async function act(action: 'ban' | 'unban', event?: FormEvent<HTMLFormElement>) {
    event?.preventDefault()
    setPending(true)
    setErrors([])
    const body = action === 'ban' && reason.trim() ? { reason: reason.trim() } : {}
    const result = await apiFetch(`/api/users/${userId}/${action}`, { method: 'POST', body })
    setPending(false)
    if (!result.ok) {
      setErrors(result.errors.map((e) => e.message))
      return
    }
    setOpen(false)
    setReason('')
    router.refresh()
  }

  if (banned) {
    return (
      <div className="row-actions">
        <FormAlert messages={errors} />
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => void act('unban')}
          disabled={pending}
          aria-label={`Unban ${email}`}
        >
          {pending ? 'Unbanning…' : 'Unban'}
        </button>
      </div>
    )
  }

  if (!open) {
    return (
      <div className="row-actions">
        <button
          type="button"
          className="button button-danger-ghost button-small"
          onClick={() => setOpen(true)}
          aria-label={`Ban ${email}`}
          aria-expanded={false}
        >
          Ban…
        </button>
      </div>
    )
  }

  const reasonId = `ban-reason-${userId}`
  return (
    <form className="row-actions ban-form" onSubmit={(event) => void act('ban', event)}>
      <FormAlert messages={errors} />
      <label htmlFor={reasonId}>Reason for banning {email} (optional)</label>
      <input
        id={reasonId}
        type="text"
        maxLength={500}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        autoFocus
      />
      <div className="button-row">
        <button type="submit" className="button button-danger button-small" disabled={pending}>
          {pending ? 'Banning…' : `Confirm ban`}
        </button>
        <button type="button" className="button button-ghost button-small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  )
}
