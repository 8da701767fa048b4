import { randomBytes } from 'node:crypto'
import { readFile, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ApiClient } from './api-client.js'
import type { StackOutput } from './output.js'

/** The demo's admin, who adds the demo events: `npm start` makes this email an admin while it seeds. */
export const DEMO_ADMIN_EMAIL = 'demo-admin@ticketing.test'
const DEMO_SELLER_EMAILS = [
  'demo-seller@ticketing.test',
  'demo-seller2@ticketing.test',
  'demo-seller3@ticketing.test',
]

interface DemoEvent {
  name: string
  performer?: string
  venue: string
  city: string
  country: string
  timezone: string
  category: 'concert' | 'sports' | 'theatre' | 'comedy' | 'festival' | 'other'
  /** Days from the first start, at `time` in the event's own zone. */
  inDays: number
  time: string
  priceCap?: { kind: 'face' } | { kind: 'face_plus'; percent: number }
  /** What happens to it after its tickets are listed. */
  then?: 'postponed' | 'cancelled'
  /** The listings: [section, row, seat, face value, price]. */
  listings: [string, string, string, number, number][]
}

/** A dozen events across cities, categories and dates, one cancelled and one postponed. */
export const DEMO_EVENTS: readonly DemoEvent[] = [
  {
    name: 'Taylor Swift | The Eras Tour',
    performer: 'Taylor Swift',
    venue: 'Wembley Stadium',
    city: 'London',
    country: 'GB',
    timezone: 'Europe/London',
    category: 'concert',
    inDays: 12,
    time: '18:30',
    priceCap: { kind: 'face_plus', percent: 10 },
    listings: [
      ['Block 112', 'F', '14', 189, 207.9],
      ['Block 112', 'F', '15', 189, 199],
      ['Floor', 'GA', '', 159, 159],
      ['Block 524', 'R', '3', 99, 108.9],
    ],
  },
  {
    name: 'Hamilton',
    performer: 'Original West End cast',
    venue: 'Victoria Palace Theatre',
    city: 'London',
    country: 'GB',
    timezone: 'Europe/London',
    category: 'theatre',
    inDays: 5,
    time: '19:30',
    priceCap: { kind: 'face' },
    listings: [
      ['Stalls', 'K', '12', 125, 125],
      ['Dress Circle', 'B', '7', 95, 90],
      ['Grand Circle', 'E', '21', 45, 45],
    ],
  },
  {
    name: 'Arctic Monkeys',
    performer: 'Arctic Monkeys',
    venue: 'Madison Square Garden',
    city: 'New York',
    country: 'US',
    timezone: 'America/New_York',
    category: 'concert',
    inDays: 18,
    time: '20:00',
    listings: [
      ['Floor', 'GA', '', 120, 149],
      ['Section 112', '9', '4', 95, 135],
      ['Section 224', '3', '18', 75, 88.5],
    ],
  },
  {
    name: 'NBA Finals, Game 3',
    venue: 'Chase Center',
    city: 'San Francisco',
    country: 'US',
    timezone: 'America/Los_Angeles',
    category: 'sports',
    inDays: 26,
    time: '18:00',
    listings: [
      ['Upper Level 301', '12', '5', 180, 210],
      ['Upper Level 301', '12', '6', 180, 210],
      ['Lower Level 104', '20', '11', 450, 690],
    ],
  },
  {
    name: 'Coldplay: Music of the Spheres',
    performer: 'Coldplay',
    venue: 'Olympiastadion',
    city: 'Berlin',
    country: 'DE',
    timezone: 'Europe/Berlin',
    category: 'concert',
    inDays: 33,
    time: '19:00',
    priceCap: { kind: 'face_plus', percent: 20 },
    listings: [
      ['Innenraum', 'Stehplatz', '', 89.5, 95.75],
      ['Block O', '14', '22', 110, 132],
    ],
  },
  {
    name: 'Glastonbury Festival',
    venue: 'Worthy Farm',
    city: 'Pilton',
    country: 'GB',
    timezone: 'Europe/London',
    category: 'festival',
    inDays: 60,
    time: '10:00',
    priceCap: { kind: 'face' },
    listings: [
      ['Weekend', 'Camping', '', 355, 355],
      ['Weekend', 'Camping', '', 355, 340],
    ],
  },
  {
    name: 'The Lion King',
    venue: 'Lyceum Theatre',
    city: 'London',
    country: 'GB',
    timezone: 'Europe/London',
    category: 'theatre',
    inDays: 9,
    time: '14:30',
    listings: [['Dress Circle', 'C', '9', 70, 74.99]],
  },
  {
    name: 'Champions League Final',
    venue: 'Allianz Arena',
    city: 'Munich',
    country: 'DE',
    timezone: 'Europe/Berlin',
    category: 'sports',
    inDays: 45,
    time: '21:00',
    priceCap: { kind: 'face_plus', percent: 15 },
    listings: [
      ['Category 3', '31', '8', 600, 690],
      ['Category 2', '18', '30', 900, 1035],
    ],
  },
  {
    name: 'Comedy Cellar: late show',
    venue: 'Comedy Cellar',
    city: 'New York',
    country: 'US',
    timezone: 'America/New_York',
    category: 'comedy',
    inDays: 3,
    time: '23:00',
    listings: [
      ['Main room', '', '', 25, 38],
      ['Main room', '', '', 25, 35],
    ],
  },
  {
    name: 'Billie Eilish: Hit Me Hard and Soft',
    performer: 'Billie Eilish',
    venue: 'Accor Arena',
    city: 'Paris',
    country: 'FR',
    timezone: 'Europe/Paris',
    category: 'concert',
    inDays: 21,
    time: '20:30',
    then: 'postponed',
    listings: [
      ['Balcon', 'H', '17', 85, 120],
      ['Fosse', 'GA', '', 69, 99],
    ],
  },
  {
    name: 'Fringe comedy gala',
    venue: 'Assembly Hall',
    city: 'Edinburgh',
    country: 'GB',
    timezone: 'Europe/London',
    category: 'comedy',
    inDays: 14,
    time: '21:15',
    then: 'cancelled',
    listings: [['Stalls', 'D', '4', 30, 30]],
  },
  {
    name: 'Tokyo Jazz Nights',
    venue: 'Blue Note Tokyo',
    city: 'Tokyo',
    country: 'JP',
    timezone: 'Asia/Tokyo',
    category: 'other',
    inDays: 40,
    time: '19:00',
    listings: [['Table', '4', 'A', 80, 92]],
  },
]

/** How many demo listings are on sale after seeding: the cancelled event's are withdrawn. */
export const DEMO_LISTINGS_ON_SALE = DEMO_EVENTS.filter((event) => event.then !== 'cancelled').reduce(
  (count, event) => count + event.listings.length,
  0,
)

/** The instant `time` o'clock `inDays` days from now is in `timeZone`, to the minute. */
export function localInstant(inDays: number, time: string, timeZone: string, now = Date.now()): string {
  const day = new Date(now + inDays * 86_400_000)
  const [hours, minutes] = time.split(':').map(Number) as [number, number]
  const asIfUtc = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, minutes)
  // The zone's offset at that moment: what its clocks read then, taken as UTC, less the moment itself.
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(asIfUtc)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>
  const read = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute)
  return new Date(asIfUtc - (read - asIfUtc)).toISOString()
}

interface Account {
  email: string
  password: string
}

/** The demo accounts, made once and kept in the data folder, so that their passwords can be shown. */
async function demoAccounts(dataDir: string): Promise<{ admin: Account; sellers: Account[] }> {
  const recordFile = path.join(dataDir, 'demo-accounts.json')
  const kept = await readFile(recordFile, 'utf8').then(
    (text) => JSON.parse(text) as { admin: Account; sellers: Account[] },
    () => undefined,
  )
  if (kept) return kept
  const password = () => randomBytes(9).toString('base64url')
  const accounts = {
    admin: { email: DEMO_ADMIN_EMAIL, password: password() },
    sellers: DEMO_SELLER_EMAILS.map((email) => ({ email, password: password() })),
  }
  await mkdir(dataDir, { recursive: true })
  await writeFile(recordFile, `${JSON.stringify(accounts)}\n`, { mode: 0o600 })
  return accounts
}

async function signUp(siteUrl: string, account: Account): Promise<ApiClient | undefined> {
  const api = new ApiClient(siteUrl)
  const response = await api.post('/api/users/signup', account)
  if (response.status === 400) return undefined // made on an earlier start
  if (response.status !== 201) throw new Error(`demo sign-up of ${account.email} answered ${response.status}`)
  return api
}

/**
 * Fills an empty marketplace through the API, as its people would: the demo admin adds a dozen events, three
 * demo sellers list tickets for them (some at the cap), then one event is postponed and one cancelled. Runs
 * when the demo admin does not exist yet: later starts leave the marketplace as its users left it.
 */
export async function seedDemoMarketplace(
  siteUrl: string,
  dataDir: string,
  output: StackOutput,
): Promise<void> {
  const accounts = await demoAccounts(dataDir)
  const credentials = `demo admin: ${accounts.admin.email} / ${accounts.admin.password}; demo seller: ${accounts.sellers[0]!.email} / ${accounts.sellers[0]!.password}`
  const admin = await signUp(siteUrl, accounts.admin)
  if (!admin) {
    output.notice(credentials)
    return
  }
  const sellers: ApiClient[] = []
  for (const account of accounts.sellers) {
    const seller = await signUp(siteUrl, account)
    if (seller) sellers.push(seller)
    else {
      const existing = new ApiClient(siteUrl)
      await existing.post('/api/users/signin', account)
      sellers.push(existing)
    }
  }

  let listed = 0
  const afterwards: { id: string; demo: DemoEvent; body: object }[] = []
  for (const [n, demo] of DEMO_EVENTS.entries()) {
    const body = {
      name: demo.name,
      ...(demo.performer && { performer: demo.performer }),
      venue: demo.venue,
      city: demo.city,
      country: demo.country,
      timezone: demo.timezone,
      category: demo.category,
      startsAt: localInstant(demo.inDays, demo.time, demo.timezone),
      ...(demo.priceCap && { priceCap: demo.priceCap }),
    }
    const created = await admin.post<{ id: string }>('/api/events', body)
    if (created.status === 403) {
      output.notice(`demo events skipped: ${DEMO_ADMIN_EMAIL} is not among ADMIN_EMAILS`, 'warn')
      return
    }
    if (created.status !== 201) throw new Error(`demo event answered ${created.status}`)
    for (const [m, [section, row, seat, faceValue, price]] of demo.listings.entries()) {
      const seller = sellers[(n + m) % sellers.length]!
      const listing = await seller.post('/api/tickets', {
        eventId: created.body.id,
        price,
        faceValue,
        ...(section && { section }),
        ...(row && { row }),
        ...(seat && { seat }),
      })
      if (listing.status !== 201) throw new Error(`demo listing answered ${listing.status}`)
      listed++
    }
    if (demo.then) afterwards.push({ id: created.body.id, demo, body })
  }
  for (const { id, demo, body } of afterwards) {
    // The postponed one moves four weeks on: its page shows the date it moved from.
    const later = localInstant(demo.inDays + 28, demo.time, demo.timezone)
    const changed =
      demo.then === 'cancelled'
        ? await admin.post(`/api/events/${id}/cancel`, {})
        : await admin.request('PUT', `/api/events/${id}`, { ...body, startsAt: later, status: 'postponed' })
    if (changed.status !== 200) throw new Error(`demo event ${demo.then} answered ${changed.status}`)
  }
  output.notice(`added ${DEMO_EVENTS.length} demo events with ${listed} listings; ${credentials}`)
}
