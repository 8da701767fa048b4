'use client'

import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import { NO_ERRORS, splitErrors, type FormErrors } from '../lib/errors'
import type { CurrentUser } from '../lib/types'
import { Field, FormAlert } from './form-parts'

/** The member changes their display name (PUT /api/users/me): every listing of theirs shows it within seconds. */
export function ProfileForm({ user }: { user: CurrentUser }) {
  const router = useRouter()
  const [displayName, setDisplayName] = useState(user.displayName)
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [pending, setPending] = useState(false)
  const [saved, setSaved] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setPending(true)
    setSaved(false)
    setErrors(NO_ERRORS)
    const result = await apiFetch<CurrentUser>('/api/users/me', { method: 'PUT', body: { displayName } })
    setPending(false)
    if (!result.ok) {
      setErrors(splitErrors(result.errors, ['displayName']))
      return
    }
    setSaved(true)
    router.refresh()
  }

  return (
    <form className="card form" onSubmit={(event) => void submit(event)} noValidate aria-busy={pending}>
      <FormAlert messages={errors.form} />
      <Field
        name="displayName"
        label="Display name"
        type="text"
        autoComplete="nickname"
        required
        maxLength={40}
        value={displayName}
        onChange={(change) => setDisplayName(change.target.value)}
        error={errors.fields['displayName']}
        hint="What buyers see beside your listings: 2 to 40 characters, never your email."
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </button>
      </div>
      <p role="status" className="status-text">
        {saved ? 'Saved. Your listings show the new name within seconds.' : ''}
      </p>
    </form>
  )
}
