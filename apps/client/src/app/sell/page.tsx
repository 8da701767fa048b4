import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { TicketForm } from '../../components/ticket-form'
import { getCurrentUser } from '../../lib/api-server'

export const metadata: Metadata = { title: 'Sell a ticket' }

export default async function SellPage() {
  if (!(await getCurrentUser())) redirect('/signin?next=/sell')
  return (
    <div className="narrow">
      <h1>Sell a ticket</h1>
      <p className="lead">List it in seconds. You can change the title or price until someone reserves it.</p>
      <TicketForm />
    </div>
  )
}
