'use client'

import { useState } from 'react'
import { apiFetch, forgetSignedInHint } from '../lib/api-client'

/** Ends this browser's session (auth clears both cookies and revokes the token) and goes home. */
export function SignOutButton({ className = 'button button-ghost' }: { className?: string }) {
  const [pending, setPending] = useState(false)
  const [failed, setFailed] = useState(false)

  async function signOut() {
    setPending(true)
    const result = await apiFetch('/api/users/signout', { method: 'POST' })
    if (!result.ok) {
      setPending(false)
      setFailed(true)
      return
    }
    forgetSignedInHint()
    window.location.assign('/')
  }

  return (
    <>
      <button type="button" className={className} onClick={() => void signOut()} disabled={pending}>
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
      {failed && (
        <span role="alert" className="inline-error">
          Could not sign out; try again.
        </span>
      )}
    </>
  )
}
