import { defaultDisplayName, newEvent, type EventData } from '@ticketing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTickets, type TicketsHarness } from '../helpers.js'

describe("sellers' display names on their listings", () => {
  let tickets: TicketsHarness
  beforeAll(async () => (tickets = await startTickets()))
  afterAll(() => tickets.close())

  /** auth's announcement of a member, as it publishes it. */
  function userEvent(
    type: 'user.created' | 'user.updated',
    id: string,
    displayName: string | undefined,
    version: number | undefined,
  ) {
    const data: EventData<'user.created'> = {
      id,
      email: `${id}@example.com`,
      role: 'user',
      ...(displayName !== undefined && { displayName }),
      ...(version !== undefined && { version }),
    }
    return newEvent(type, data, '/auth')
  }

  const sellerOf = async (ticketId: string) => (await tickets.ticket(ticketId)).seller

  it('shows a member by their default name until auth names them, then by their own, never their email', async () => {
    const seller = await tickets.user()
    const ticket = await tickets.createTicket(seller)
    expect(ticket.seller).toEqual({ id: seller.id, displayName: defaultDisplayName(seller.id) })

    const created = userEvent('user.created', seller.id, 'Ada Lovelace', 0)
    await tickets.publish(created)
    await tickets.handled(created)
    await tickets.eventually(async () =>
      expect(await sellerOf(ticket.id)).toEqual({ id: seller.id, displayName: 'Ada Lovelace' }),
    )
    expect(JSON.stringify(await tickets.ticket(ticket.id))).not.toContain('@example.com')
  })

  it('a rename reaches every listing of the seller, in lists too, and an older name never comes back', async () => {
    const seller = await tickets.user()
    const first = await tickets.createTicket(seller, { title: 'First' })
    const second = await tickets.createTicket(seller, { title: 'Second' })
    for (const event of [
      userEvent('user.created', seller.id, 'Grace', 0),
      userEvent('user.updated', seller.id, 'Grace Hopper', 1),
    ]) {
      await tickets.publish(event)
      await tickets.handled(event)
    }
    // Read (and kept in memory) before the rename that follows.
    expect((await sellerOf(first.id)).displayName).toBe('Grace Hopper')

    const renamed = userEvent('user.updated', seller.id, 'Rear Admiral Hopper', 2)
    await tickets.publish(renamed)
    await tickets.handled(renamed)
    await tickets.eventually(async () => {
      expect((await sellerOf(first.id)).displayName).toBe('Rear Admiral Hopper')
      expect((await sellerOf(second.id)).displayName).toBe('Rear Admiral Hopper')
      const listed = await tickets.app.inject({ url: `/api/tickets?userId=${seller.id}` })
      const names = listed.json<{ seller: { displayName: string } }[]>().map((t) => t.seller.displayName)
      expect(names).toEqual(['Rear Admiral Hopper', 'Rear Admiral Hopper'])
    })

    // A late, older rename (redelivered out of order) changes nothing.
    const stale = userEvent('user.updated', seller.id, 'Grace Hopper', 1)
    await tickets.publish({ ...stale, id: crypto.randomUUID() })
    await tickets.settled('user.updated')
    expect((await sellerOf(first.id)).displayName).toBe('Rear Admiral Hopper')
  })

  it('an event from before display names (no name, no version) gives the default name', async () => {
    const seller = await tickets.user()
    const ticket = await tickets.createTicket(seller)
    const legacy = userEvent('user.created', seller.id, undefined, undefined)
    await tickets.publish(legacy)
    await tickets.handled(legacy)
    expect((await sellerOf(ticket.id)).displayName).toBe(defaultDisplayName(seller.id))
  })
})
