import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { TicketForm } from '../../components/ticket-form'
import { apiGet, getCurrentUser } from '../../lib/api-server'
import type { CatalogueEvent, FeeSchedule } from '../../lib/types'

export const metadata: Metadata = { title: 'Sell a ticket' }

type Search = Promise<Record<string, string | string[] | undefined>>

export default async function SellPage({ searchParams }: { searchParams: Search }) {
  const eventId = (await searchParams)['event']
  const next = typeof eventId === 'string' ? `/sell?event=${encodeURIComponent(eventId)}` : '/sell'
  if (!(await getCurrentUser())) redirect(`/signin?next=${encodeURIComponent(next)}`)
  const found =
    typeof eventId === 'string'
      ? await apiGet<CatalogueEvent>(`/api/events/${encodeURIComponent(eventId)}`)
      : undefined
  const event = found?.ok ? found.data : undefined
  const fees = await apiGet<FeeSchedule>('/api/tickets/fees')
  return (
    <div className="narrow">
      <h1>Sell a ticket</h1>
      <p className="lead">
        Find the event, say where the seat is, and set your price. You can change the price until someone
        reserves it.
      </p>
      <TicketForm {...(event && { event })} {...(fees.ok && { fees: fees.data })} />
    </div>
  )
}
