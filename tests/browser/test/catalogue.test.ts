import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startTestStack, type TestStack } from '@ticketing/system-tests'
import { launchChromium, shoot, signedUpPerson, VIEWPORTS } from '../src/browser.js'

// The events catalogue as people meet it, in Debian's Chromium through the gateway of a whole stack:
// finding an event, buying its cheapest ticket, and selling one over the event's price cap. Screenshots at
// phone and desktop widths go to tests/browser/artifacts/.
const ADMIN = 'catalogue-admin@example.com'
const PASSWORD = 'correct horse battery staple'

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
  signedUpPerson(browser, stack, viewport, `catalogue${++people}-${stack.namespace}@example.com`, PASSWORD)

/** An event through the admin API, and tickets for it from a seller: [price, section, face value]. */
async function eventWithTickets(
  event: Record<string, unknown>,
  listings: [number, string, number][],
): Promise<string> {
  const admin = await stack.signUp(ADMIN).catch(async () => {
    const again = stack.visitor()
    await again.post('/api/users/signin', { email: ADMIN, password: PASSWORD })
    return again
  })
  const created = await admin.post<{ id: string }>('/api/events', {
    venue: 'Victoria Palace Theatre',
    timezone: 'Europe/London',
    startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
    ...event,
  })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const seller = await stack.signUp()
  for (const [price, section, faceValue] of listings) {
    const listed = await seller.post('/api/tickets', { eventId: created.body.id, price, section, faceValue })
    expect(listed.status, JSON.stringify(listed.body)).toBe(201)
  }
  return created.body.id
}

describe('the events catalogue in a browser', { timeout: 180_000 }, () => {
  for (const viewport of VIEWPORTS) {
    test(`at ${viewport.name} width: find an event by city and category, buy its cheapest ticket, and see it gone`, async () => {
      const city = `Bath${viewport.name}${stack.namespace.slice(-4)}`
      const name = `Hamilton in ${city}`
      await eventWithTickets({ name, city, category: 'theatre' }, [
        [85, 'Dress Circle', 80],
        [42.5, 'Grand Circle', 40],
        [120, 'Stalls', 110],
      ])
      await eventWithTickets({ name: `Football in ${city}`, city, category: 'sports' }, [[30, 'North', 30]])
      const buyer = await person(viewport)

      await buyer.goto('/')
      await buyer.getByLabel('City').fill(city)
      await buyer.getByLabel('Category').selectOption('theatre')
      await buyer.getByRole('button', { name: 'Search' }).click()
      await buyer.waitForURL(/city=/)
      const events = buyer.locator('.event-card')
      await expect.poll(() => events.count()).toBe(1)
      // All-in: 42.50 and the buyer's 10 % fee.
      expect(await events.first().textContent()).toContain('from $46.75')
      expect(await events.first().textContent()).toContain('3 tickets')
      await shoot(buyer, `catalogue-search-${viewport.name}`)

      await buyer.getByRole('link', { name }).click()
      await buyer.waitForURL(/\/events\/[0-9a-f-]{36}$/)
      const rows = buyer.locator('.event-ticket')
      await expect.poll(() => rows.count()).toBe(3)
      expect(await rows.first().textContent()).toContain('Grand Circle')
      await shoot(buyer, `catalogue-event-${viewport.name}`)
      const eventPath = new URL(buyer.url()).pathname

      await rows.first().getByRole('link').click()
      await buyer.waitForURL(/\/tickets\/[0-9a-f-]{36}$/)
      // All-in first, the breakdown beside it; the checkout charges the same total.
      expect(await buyer.locator('.price-breakdown').textContent()).toBe(
        '$42.50 + $4.25 service fee, nothing more at checkout',
      )
      await shoot(buyer, `catalogue-ticket-${viewport.name}`)
      await buyer.getByRole('button', { name: 'Buy for $46.75' }).click()
      await buyer.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
      await expect.poll(() => buyer.locator('.order-summary .price-large').textContent()).toBe('$46.75')
      expect(await buyer.locator('.order-summary .price-breakdown').textContent()).toContain(
        'Ticket $42.50 + service fee $4.25',
      )
      await shoot(buyer, `catalogue-checkout-${viewport.name}`)

      await buyer.goto(eventPath)
      await expect.poll(() => rows.count()).toBe(2)
      expect(await buyer.locator('.event-ticket').first().textContent()).toContain('Dress Circle')
      await shoot(buyer, `catalogue-event-after-purchase-${viewport.name}`)
    })

    test(`at ${viewport.name} width: a seller's price over the event's cap is refused with the cap named`, async () => {
      const city = `Leeds${viewport.name}${stack.namespace.slice(-4)}`
      const name = `Capped show in ${city}`
      await eventWithTickets(
        { name, city, category: 'concert', priceCap: { kind: 'face_plus', percent: 10 } },
        [],
      )
      const seller = await person(viewport)
      await seller.goto('/sell')
      await seller.getByLabel('Event').fill(`capped ${city}`)
      await seller.getByRole('button', { name: new RegExp(name) }).click()
      await seller.getByLabel('Section').fill('Floor')
      await seller.getByLabel(/^Face value/).fill('50')
      await expect.poll(() => seller.getByText('at most $55.00').isVisible()).toBe(true)
      await seller.getByLabel('Price (USD)').fill('60')
      await seller.getByRole('button', { name: 'List ticket' }).click()
      const message = 'Price must be at most 55.00 USD: resale of this event is capped at face value + 10%'
      await expect.poll(() => seller.getByText(message).isVisible()).toBe(true)
      expect(await seller.getByLabel('Price (USD)').getAttribute('aria-invalid')).toBe('true')
      await shoot(seller, `catalogue-sell-over-cap-${viewport.name}`)

      await seller.getByLabel('Price (USD)').fill('55')
      // What both sides come to, before listing: 55.00 + 10 % for the buyer, − 5 % for the seller.
      await expect
        .poll(() => seller.getByText('Buyers pay $60.50 with fees. You receive $52.25').isVisible())
        .toBe(true)
      await shoot(seller, `catalogue-sell-quote-${viewport.name}`)
      await seller.getByRole('button', { name: 'List ticket' }).click()
      await seller.waitForURL(/\/tickets\/[0-9a-f-]{36}$/)
      expect(await seller.getByRole('heading', { level: 1 }).textContent()).toBe(name)
    })
  }
})
