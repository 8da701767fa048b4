'use client'

import Link from 'next/link'
import { useState, type FormEvent } from 'react'
import { apiFetch } from '../lib/api-client'
import { NO_ERRORS, splitErrors, type FormErrors } from '../lib/errors'
import { Field, FormAlert } from './form-parts'

const FIELDS = ['email', 'password', 'displayName'] as const

/** Sign in or sign up: both take an email and a password and set the session cookies. */
export function AuthForm({ mode, next }: { mode: 'signin' | 'signup'; next: string }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS)
  const [pending, setPending] = useState(false)
  const signUp = mode === 'signup'

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setPending(true)
    setErrors(NO_ERRORS)
    const body = signUp && displayName.trim() ? { email, password, displayName } : { email, password }
    const result = await apiFetch(`/api/users/${mode}`, { method: 'POST', body })
    if (result.ok) {
      // A full load, so every server-rendered part of the page sees the new session.
      window.location.assign(next)
      return
    }
    setPending(false)
    setErrors(splitErrors(result.errors, FIELDS))
  }

  return (
    <form className="card form" onSubmit={(event) => void submit(event)} noValidate aria-busy={pending}>
      <FormAlert messages={errors.form} />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errors.fields['email']}
      />
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete={signUp ? 'new-password' : 'current-password'}
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.fields['password']}
        hint={signUp ? '8 to 128 characters.' : undefined}
      />
      {signUp && (
        <Field
          name="displayName"
          label="Display name (optional)"
          type="text"
          autoComplete="nickname"
          maxLength={40}
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
          error={errors.fields['displayName']}
          hint="What buyers see beside your listings; never your email. You can change it later."
        />
      )}
      <button type="submit" className="button button-primary button-block" disabled={pending}>
        {pending ? (signUp ? 'Creating account…' : 'Signing in…') : signUp ? 'Create account' : 'Sign in'}
      </button>
      <p className="form-footer">
        {signUp ? (
          <>
            Already have an account? <Link href={`/signin?next=${encodeURIComponent(next)}`}>Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href={`/signup?next=${encodeURIComponent(next)}`}>Create an account</Link>
          </>
        )}
      </p>
    </form>
  )
}
