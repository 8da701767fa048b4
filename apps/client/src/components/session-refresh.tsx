'use client'

import { useEffect } from 'react'
import { refreshSession } from '../lib/api-client'

/** Refreshes the session from the browser, where auth's refresh cookie is sent, then returns to `next`. */
export function SessionRefresh({ next }: { next: string }) {
  useEffect(() => {
    void refreshSession().then(() => window.location.replace(next))
  }, [next])
  return (
    <p role="status" className="muted">
      Restoring your session…
    </p>
  )
}
