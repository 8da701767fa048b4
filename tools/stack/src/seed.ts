import { randomBytes } from 'node:crypto'
import { readFile, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ApiClient } from './api-client.js'
import type { StackOutput } from './output.js'

export const DEMO_LISTINGS = [
  { title: 'Arctic Monkeys — Madison Square Garden, floor GA', price: 149 },
  { title: 'Taylor Swift | The Eras Tour — Section 112, Row F', price: 425.5 },
  { title: 'Hamilton — Richard Rodgers Theatre, Orchestra', price: 289 },
  { title: 'NBA Finals Game 3 — Upper Level 301', price: 210 },
  { title: 'Coldplay: Music of the Spheres — Standing', price: 95.75 },
  { title: 'Glastonbury Festival — weekend ticket', price: 355 },
  { title: 'The Lion King — Lyceum Theatre, Dress Circle', price: 74.99 },
  { title: 'Champions League Final — Category 3', price: 690 },
  { title: 'Billie Eilish — Hit Me Hard and Soft Tour, Balcony', price: 120 },
  { title: 'Comedy Cellar — late show, two seats', price: 38 },
] as const

interface SeedRecord {
  email: string
  password: string
}

/**
 * Lists the demo tickets through the API, as a seller would, when the demo seller does not exist yet: the
 * first start on an empty database shows a full home page, and later starts leave the marketplace as its
 * users left it. The seller's password is kept in the data folder so that it can be shown every time.
 */
export async function seedDemoListings(siteUrl: string, dataDir: string, output: StackOutput): Promise<void> {
  const recordFile = path.join(dataDir, 'demo-seller.json')
  let seller = await readFile(recordFile, 'utf8').then(
    (text) => JSON.parse(text) as SeedRecord,
    () => undefined,
  )
  if (!seller) {
    seller = { email: 'demo-seller@ticketing.test', password: randomBytes(9).toString('base64url') }
    await mkdir(dataDir, { recursive: true })
    await writeFile(recordFile, `${JSON.stringify(seller)}\n`, { mode: 0o600 })
  }
  const credentials = `demo seller: ${seller.email} / ${seller.password}`

  const api = new ApiClient(siteUrl)
  const signup = await api.post('/api/users/signup', seller)
  if (signup.status === 400) {
    // Seeded on an earlier start (the email is taken): leave the listings as they are.
    const signin = await api.post('/api/users/signin', seller)
    output.notice(signin.status === 200 ? credentials : 'demo seller exists; its password is not in .data')
    return
  }
  if (signup.status !== 201) throw new Error(`demo seller sign-up answered ${signup.status}`)
  // Oldest first, so the home page (newest first) shows them in the order above.
  for (const listing of [...DEMO_LISTINGS].reverse()) {
    const created = await api.post('/api/tickets', listing)
    if (created.status !== 201) throw new Error(`demo listing answered ${created.status}`)
  }
  output.notice(`listed ${DEMO_LISTINGS.length} demo tickets; ${credentials}`)
}
