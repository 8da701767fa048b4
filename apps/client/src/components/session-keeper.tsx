'use client'

import { useRouter } from 'next/navigation'
import { useEffect } from 'react'
import { forgetSignedInHint, refreshSession } from '../lib/api-client'

/**
 * The server rendered this signed out, yet this browser had a session (the `signed_in` hint): its access token
 * ran out where proxy.ts does not redirect (a client-side navigation, whose redirect for a signed-in page lands
 * on /signin, or a browser without Fetch Metadata). Refresh from the browser, then go to `next` (or render the
 * page again); if the refresh fails the user really is signed out.
 */
export function SessionKeeper({ signedIn, next }: { signedIn: boolean; next?: string }) {
  const router = useRouter()
  useEffect(() => {
    if (signedIn || !/(?:^|;\s*)signed_in=/.test(document.cookie)) return
    void refreshSession().then((ok) => {
      if (!ok) forgetSignedInHint()
      else if (next) window.location.replace(next)
      else router.refresh()
    })
  }, [signedIn, next, router])
  return null
}
