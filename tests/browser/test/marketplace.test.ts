import { createRequire } from 'node:module'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eventually, startTestStack, type TestStack } from '@ticketing/system-tests'
import { launchChromium, shoot } from '../src/browser.js'

// The web client in Debian's Chromium, through the gateway of a whole stack. Screenshots of the key pages
// are kept in tests/browser/artifacts/ (CI keeps the folder as the run's artifacts).
const HOLD_SECONDS = 15
const PASSWORD = 'correct horse battery staple'

let stack: TestStack
let browser: Browser
const contexts: BrowserContext[] = []
let people = 0

beforeAll(async () => {
  stack = await startTestStack({
    client: true,
    env: { ORDER_HOLD_SECONDS: String(HOLD_SECONDS), SWEEP_INTERVAL_SECONDS: '1', SWEEP_GRACE_SECONDS: '2' },
  })
  browser = await launchChromium()
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await stack?.cleanup()
}, 60_000)

/** A person with a browser of their own (cookies and all), at phone or desktop width. */
async function person(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ baseURL: stack.url, viewport })
  contexts.push(context)
  return context.newPage()
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

interface AxeResults {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[]
}

/** The page's serious and critical WCAG 2.2 A/AA failures, as axe-core finds them. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle')
  await page.addScriptTag({ path: AXE })
  // A string runs in the page, where axe and document are (this project's types have no DOM).
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
  const results = await page.evaluate<AxeResults>(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} } })`,
  )
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
    )
}

async function signUp(page: Page): Promise<string> {
  const email = `person${++people}-${stack.namespace}@example.com`
  await page.goto('/signup')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/signup'))
  return email
}

/** A listing made through the API, for tests whose subject is the buyer. */
async function listedTicket(title: string, price: number): Promise<string> {
  const seller = await stack.signUp()
  const created = await seller.post<{ id: string }>('/api/tickets', { title, price })
  expect(created.status).toBe(201)
  return created.body.id
}

describe('the marketplace in a browser', { timeout: 120_000 }, () => {
  test('the home page is rendered on the server: its HTML already holds the listings', async () => {
    const title = `Server-rendered show ${stack.namespace}`
    await listedTicket(title, 42)
    await listedTicket(`Another show ${stack.namespace}`, 17)
    const html = await (await fetch(stack.url)).text()
    expect(html).toContain(title)
    expect(html).toContain('$46.20') // 42.00 all-in, with the buyer's fee
    // A search is a plain GET form, answered by the server too.
    const found = await (await fetch(`${stack.url}/?q=${encodeURIComponent('server-RENDERED')}`)).text()
    expect(found).toContain(title)
    expect(found).not.toContain('Another show')
  })

  test('a seller lists a ticket and another person buys it with the sandbox card', async () => {
    const seller = await person()
    await signUp(seller)
    await seller.goto('/sell')
    // Not an event of the catalogue: listed under a title of its own.
    await seller.getByRole('button', { name: 'List it with a title instead' }).click()
    const title = `Jazz at the Blue Note ${stack.namespace}`
    await seller.getByLabel('Title').fill(title)
    await seller.getByLabel('Price (USD)').fill('64.50')
    await shoot(seller, 'sell')
    await seller.getByRole('button', { name: 'List ticket' }).click()
    await seller.waitForURL(/\/tickets\/[0-9a-f-]{36}$/)
    await expect.poll(() => seller.getByRole('heading', { level: 1 }).textContent()).toBe(title)
    const ticketPath = new URL(seller.url()).pathname

    const buyer = await person()
    await signUp(buyer)
    await buyer.goto('/')
    await shoot(buyer, 'home')
    await buyer.getByRole('link', { name: title }).first().click()
    await buyer.waitForURL(`**${ticketPath}`)
    await shoot(buyer, 'ticket')
    await buyer.getByRole('button', { name: /^Buy for/ }).click()
    await buyer.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
    await expect.poll(() => buyer.getByRole('timer').isVisible()).toBe(true)
    await shoot(buyer, 'order')

    await buyer.getByLabel(/Visa ending 4242/).check()
    await buyer.getByRole('button', { name: /^Pay / }).click()
    await expect
      .poll(
        () =>
          buyer
            .getByText(/the ticket is yours/i)
            .first()
            .isVisible(),
        { timeout: 30_000 },
      )
      .toBe(true)
    await expect.poll(() => buyer.getByText('Paid', { exact: true }).isVisible()).toBe(true)
    await shoot(buyer, 'order-paid')

    await buyer.goto('/orders')
    await expect.poll(() => buyer.getByText(title).first().isVisible()).toBe(true)
    await shoot(buyer, 'my-orders')
    // The seller's listing shows it sold: no longer for sale on the home page.
    await seller.goto('/listings')
    await expect.poll(() => seller.getByText(title).first().isVisible()).toBe(true)
    await shoot(seller, 'my-listings')
    const home = await (await fetch(stack.url)).text()
    expect(home).not.toContain(title)
  })

  test('a hold that runs out on the order page says so, and the ticket is for sale again', async () => {
    const title = `Late-night comedy ${stack.namespace}`
    const ticketId = await listedTicket(title, 19)
    const buyer = await person({ width: 390, height: 844 })
    await signUp(buyer)
    await buyer.goto(`/tickets/${ticketId}`)
    await buyer.getByRole('button', { name: /^Buy for/ }).click()
    await buyer.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
    await shoot(buyer, 'order-phone')

    await expect
      .poll(
        () =>
          buyer
            .getByText(/hold on this ticket (has expired|ran out)/i)
            .first()
            .isVisible(),
        {
          timeout: (HOLD_SECONDS + 20) * 1000,
          interval: 500,
        },
      )
      .toBe(true)
    // Then the order shows cancelled, once the expiration event has been applied.
    await expect
      .poll(() => buyer.getByText('Cancelled', { exact: true }).isVisible(), { timeout: 30_000 })
      .toBe(true)
    await shoot(buyer, 'order-expired')

    await eventually(
      async () => {
        await buyer.goto(`/tickets/${ticketId}`)
        return (await buyer.getByRole('button', { name: /^Buy for/ }).isVisible()) ? true : undefined
      },
      { what: 'the ticket for sale again', timeoutMs: 15_000, intervalMs: 500 },
    )
  })

  test('a card that needs 3-D Secure asks the buyer to confirm with their bank, then completes the order', async () => {
    const title = `Chamber music ${stack.namespace}`
    const ticketId = await listedTicket(title, 38)
    const buyer = await person({ width: 390, height: 844 })
    await signUp(buyer)
    await buyer.goto(`/tickets/${ticketId}`)
    await buyer.getByRole('button', { name: /^Buy for/ }).click()
    await buyer.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
    await buyer.getByLabel(/Card with 3-D Secure/).check()
    await buyer.getByRole('button', { name: /^Pay / }).click()
    const challenge = buyer.getByRole('dialog', { name: /confirm this payment/i })
    await expect.poll(() => challenge.isVisible(), { timeout: 15_000 }).toBe(true)
    await shoot(buyer, 'order-3ds-phone')
    await challenge.getByRole('button', { name: /^Confirm / }).click()
    await expect
      .poll(
        () =>
          buyer
            .getByText(/the ticket is yours/i)
            .first()
            .isVisible(),
        { timeout: 30_000 },
      )
      .toBe(true)
    await shoot(buyer, 'order-3ds-paid-phone')
  })

  test('an access token that is gone is renewed from the refresh token without the person noticing', async () => {
    const page = await person()
    await signUp(page)
    // As if the 15-minute access token had expired: the browser no longer sends it.
    await page.context().clearCookies({ name: 'session' })
    await page.goto('/orders')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('My orders')
    expect(new URL(page.url()).pathname).toBe('/orders')
    const cookies = await page.context().cookies()
    expect(cookies.some((cookie) => cookie.name === 'session')).toBe(true)
  })

  test('two tabs renewing the session at once both stay signed in, and the session survives', async () => {
    const first = await person()
    await signUp(first)
    const second = await first.context().newPage()
    await first.context().clearCookies({ name: 'session' })
    // Both tabs renew at the same moment (where a page load with the access token gone sends them): each
    // holds the same refresh token.
    await Promise.all([
      first.goto('/session/refresh?next=/orders'),
      second.goto('/session/refresh?next=/listings'),
    ])
    await expect.poll(() => first.getByRole('heading', { level: 1 }).textContent()).toBe('My orders')
    await expect.poll(() => second.getByRole('heading', { level: 1 }).textContent()).toBe('My listings')
    // Had one of them presented an already rotated token, auth would have revoked the whole session.
    const refreshed = await first.context().request.post('/api/users/refresh', {
      headers: { origin: stack.url },
    })
    expect(refreshed.status()).toBe(200)
  })

  test('the key pages pass axe-core’s WCAG 2.2 A and AA checks, at phone and desktop widths', async () => {
    const ticketId = await listedTicket(`Accessible show ${stack.namespace}`, 30)
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const page = await person(viewport)
      const problems: Record<string, string[]> = {}
      const check = async (name: string) => {
        problems[name] = await accessibilityProblems(page)
      }
      await page.goto('/')
      // The check itself can fail: a field without a label is found.
      // (Into body, after hydration: React leaves foreign nodes there alone.)
      await page.waitForLoadState('networkidle')
      await page.evaluate(`document.body.append(document.createElement('input'))`)
      expect(await accessibilityProblems(page)).toEqual([expect.stringMatching(/^label: /)])
      await page.goto('/')
      await check('home, signed out')
      await page.goto('/signin')
      await check('sign in')
      await page.goto('/signup')
      await page.getByLabel('Email').fill('not-an-email')
      await page.getByRole('button', { name: 'Create account' }).click()
      await expect.poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
      await check('sign up with errors')
      await signUp(page)
      await check('home, signed in')
      await page.goto('/sell')
      await check('sell')
      await page.goto(`/tickets/${ticketId}`)
      await check('ticket')
      if (viewport.width > 400) {
        await page.getByRole('button', { name: /^Buy for/ }).click()
        await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/)
        await check('order')
      }
      await page.goto('/orders')
      await check('my orders')
      await page.goto('/listings')
      await check('my listings')
      expect(problems, `at ${viewport.width}px`).toEqual(
        Object.fromEntries(Object.keys(problems).map((name) => [name, []])),
      )
    }
  })

  test('invalid input gets its message next to the field it concerns', async () => {
    const page = await person({ width: 390, height: 844 })
    await page.goto('/')
    await shoot(page, 'home-phone')
    await page.goto('/signup')
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect.poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true')
    await expect.poll(() => page.getByText('Password must be at least 8 characters').isVisible()).toBe(true)
    await shoot(page, 'signup-errors')

    await signUp(page)
    await page.goto('/sell')
    await page.getByRole('button', { name: 'List it with a title instead' }).click()
    await page.getByLabel('Title').fill('   ')
    await page.getByLabel('Price (USD)').fill('10.999')
    await page.getByRole('button', { name: 'List ticket' }).click()
    await expect.poll(() => page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByLabel('Price (USD)').getAttribute('aria-invalid')).toBe('true')
    await shoot(page, 'sell-errors')
  })
})
