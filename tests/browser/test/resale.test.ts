import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startTestStack, type TestStack } from '@ticketing/system-tests'
import { launchChromium, shoot, signedUpPerson, VIEWPORTS } from '../src/browser.js'

// Resale as two people meet it, in Debian's Chromium through the gateway of a whole stack: the first buys a
// ticket, finds it in "My tickets" with its entry code, sells it on; the second buys it; the first sees the
// sale and what they are owed. Screenshots at phone and desktop widths go to tests/browser/artifacts/.
const ADMIN = 'resale-admin@example.com'

let stack: TestStack
let browser: Browser
let people = 0

beforeAll(async () => {
  stack = await startTestStack({ client: true, env: { ADMIN_EMAILS: ADMIN } })
  browser = await launchChromium()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await stack?.cleanup()
}, 60_000)

const person = (viewport: { width: number; height: number }) =>
  signedUpPerson(browser, stack, viewport, `resale${++people}-${stack.namespace}@example.com`)

/** An event a month away, and one ticket for it at 40.00 from a seller, through the API. */
async function listedTicket(name: string): Promise<string> {
  const admin = await stack.signUp(ADMIN).catch(async () => {
    const again = stack.visitor()
    await again.post('/api/users/signin', { email: ADMIN, password: 'correct horse battery staple' })
    return again
  })
  const event = await admin.post<{ id: string }>('/api/events', {
    name,
    venue: 'Royal Albert Hall',
    city: 'London',
    timezone: 'Europe/London',
    category: 'concert',
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  })
  expect(event.status, JSON.stringify(event.body)).toBe(201)
  const seller = await stack.signUp()
  const listed = await seller.post<{ id: string }>('/api/tickets', {
    eventId: event.body.id,
    price: 40,
    section: 'Stalls',
    row: 'K',
    seat: '12',
  })
  expect(listed.status, JSON.stringify(listed.body)).toBe(201)
  return listed.body.id
}

/** Buys the ticket on its page at the all-in price shown, and pays with the sandbox's Visa. */
async function buy(page: Page, ticketId: string, allIn: string) {
  await page.goto(`/tickets/${ticketId}`)
  // orders may hear of a listing a moment after tickets: the button retries a 404 itself.
  await page.getByRole('button', { name: `Buy for ${allIn}` }).click()
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
  await page.getByLabel(/Visa ending 4242/).check()
  await page.getByRole('button', { name: `Pay ${allIn}` }).click()
  await expect.poll(() => page.getByText('Paid', { exact: true }).isVisible(), { timeout: 30_000 }).toBe(true)
}

describe('resale in a browser', { timeout: 240_000 }, () => {
  for (const viewport of VIEWPORTS) {
    test(`at ${viewport.name} width: bought, shown with its entry code, sold on to a second person, paid out`, async () => {
      const name = `Proms ${viewport.name} ${stack.namespace.slice(-4)}`
      const ticketId = await listedTicket(name)
      const first = await person(viewport)
      const second = await person(viewport)

      await buy(first, ticketId, '$44.00')
      await first.goto('/my-tickets')
      const holding = first.locator('.holding', { hasText: name })
      await expect.poll(() => holding.count(), { timeout: 20_000 }).toBe(1)
      await expect.poll(() => holding.locator('.qr-code svg').isVisible()).toBe(true)
      expect(await holding.textContent()).toContain('Stalls · Row K · Seat 12')
      await shoot(first, `resale-my-tickets-${viewport.name}`)

      await holding.getByRole('button', { name: 'Sell it' }).click()
      await holding.getByLabel('Your price (USD)').fill('50')
      await expect
        .poll(() => holding.getByText('Buyers pay $55.00 with fees. You receive $47.50.').isVisible())
        .toBe(true)
      await shoot(first, `resale-relist-${viewport.name}`)
      await holding.getByRole('button', { name: 'List for sale' }).click()
      await expect.poll(() => holding.getByText('On sale').isVisible()).toBe(true)

      // The second person buys it from the first, at the new all-in price.
      await buy(second, ticketId, '$55.00')
      await second.goto(`/tickets/${ticketId}`)
      await expect.poll(() => second.getByText(/Resold 1 time, last at \$50\.00/).isVisible()).toBe(true)
      await shoot(second, `resale-ticket-story-${viewport.name}`)

      // The first sees the sale: gone from their tickets, sold in their listings, and a pending payout.
      await expect
        .poll(
          async () => {
            await first.goto('/my-tickets')
            return first.locator('.holding', { hasText: name }).count()
          },
          { timeout: 20_000 },
        )
        .toBe(0)
      await first.goto('/listings')
      const listing = first.locator('.list-item', { hasText: name })
      await expect.poll(() => listing.getByText('Sold', { exact: true }).isVisible()).toBe(true)
      await expect
        .poll(
          async () => {
            await first.goto('/payouts')
            return first.locator('.list-item', { hasText: '$47.50' }).textContent()
          },
          { timeout: 20_000 },
        )
        .toContain('Pending')
      await shoot(first, `resale-payouts-${viewport.name}`)
    })
  }
})
