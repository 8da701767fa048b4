import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Where screenshots go: tests/browser/artifacts. */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url))

export const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const

/**
 * Debian's Chromium, headless. Without the networking switches Chromium keeps calling Google's hosts, which a
 * closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true })
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A whole-page screenshot, by name, into the artifacts folder. */
export const shoot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })

/** A new person at the site: their own browser context, signed up through the sign-up page. */
export async function signedUpPerson(
  browser: Browser,
  site: { url: string },
  viewport: { width: number; height: number },
  email: string,
  password = 'correct horse battery staple',
): Promise<Page> {
  const context = await browser.newContext({ baseURL: site.url, viewport })
  const page = await context.newPage()
  await page.goto('/signup')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/signup'))
  return page
}
