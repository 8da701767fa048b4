import type { Metadata } from 'next'
import { SessionRefresh } from '../../../components/session-refresh'
import { safeNextPath } from '../../../lib/session'

export const metadata: Metadata = { title: 'Restoring your session', robots: { index: false } }

/** Where proxy.ts sends a browser whose access token ran out: refresh from the browser, then go back. */
export default async function SessionRefreshPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string }>
}) {
  return <SessionRefresh next={safeNextPath((await searchParams).next)} />
}
