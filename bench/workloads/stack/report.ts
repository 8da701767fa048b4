import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import type { ProcessMemory } from './npm-start.js'

interface Throughput {
  perSecond: number
  p50Ms: number
  p99Ms: number
  baseline: number
}

type Latencies = { p50: number; p99: number; max: number }

/** The probes' latency, with where it went (absent from records older than the stages). */
type OrderableProbes = Latencies & { stages?: { published: Latencies; waitedForBatch: Latencies } }

/** Everything the stack workload measured in one run: what bench/results/stack-*.json hold. */
export interface StackFigures {
  ticketById: Throughput
  firstPage: Throughput
  readBaselines: { nodeHttp: number; pgbenchSelect: number }
  reservations: Throughput
  race: {
    winners: number
    statuses: Record<string, number>
    lastAnswerMs: number
    p50Ms: number
    cpu?: Record<string, number>
    /**
     * The machine's speed at what a race answer costs most, measured before the stack starts: node:crypto
     * Ed25519 verifications a second on one core (each buyer brings a token no service has seen).
     */
    ed25519VerifiesPerSecond?: number
    /** The same with libsodium, which the services verify with (decision 25). */
    ed25519SodiumVerifiesPerSecond?: number
  }
  orderable: {
    quiet: OrderableProbes
    underLoad: OrderableProbes
    backgroundPerSecond: number
    /** Whether the background load lasted until the last probe (it stops when its tickets run out). */
    backgroundRanThroughout: boolean
    /** How long after the reservation burst a new listing took to reach orders (the events' backlog). */
    settleAfterBurstMs?: number
    /**
     * While the probes ran under load: how busy the machine's cores were (0–1; the stack, its servers and the
     * load generator with its probes). What that cost per reservation is the CPU table's pacedReservations.
     */
    busyShareUnderLoad?: number
  }
  homePage: Throughput & { baselineP99Ms: number }
  freshness: { maxStaleMs: number; ownChangeShownAtOnce: boolean }
  signIn: { perSecond: number; p99Ms: number; baseline: number }
  memory: { processes: number; rssMb: number; pssMb: number; byProcess: ProcessMemory[] }
  /** Where the CPU of one request goes, in microseconds by part (the stack's processes, servers, load generator). */
  cpuMicrosPerRequest?: Partial<Record<CpuColumn, Record<string, number>>>
  /**
   * Statements sent to the services' databases per reservation, by service (begin and commit included): a
   * burst with the events it left queued (settled), and paced at half the burst's rate, where each event is
   * nearly a batch of its own.
   */
  statementsPerReservation?: { settled: Record<string, number>; paced: Record<string, number> }
  listingsPerSecond: number
  doubleSold: number
}

/**
 * The CPU table's columns: each workload by request; `settledReservations`, the burst's reservations with the
 * events they left queued, until a new listing reached orders again; and `pacedReservations`, the reservations
 * paced at half the maximum while the probes ran (the probes' own requests and polling included).
 */
type CpuColumn =
  | 'ticketById'
  | 'firstPage'
  | 'homePage'
  | 'reservations'
  | 'settledReservations'
  | 'pacedReservations'
  | 'race'

interface Row {
  workload: string
  figure: (f: StackFigures) => string
  baseline: (f: StackFigures) => string
  ratio?: (f: StackFigures) => number
  mustReach: string
  /** Whether this run's figures reach the "must reach" column. */
  reached: (f: StackFigures) => boolean
}

const n = (value: number) => Math.round(value).toLocaleString('en-US')
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : n(value)} ms`

/** Issue 16's table, row by row. */
const ROWS: Row[] = [
  {
    workload: 'GET /api/tickets/:id, 50 connections',
    figure: (f) => `${n(f.ticketById.perSecond)} req/s, p99 ${ms(f.ticketById.p99Ms)}`,
    baseline: (f) =>
      `min(node:http ${n(f.readBaselines.nodeHttp)}; pgbench select-only ${n(f.readBaselines.pgbenchSelect)})`,
    ratio: (f) => f.ticketById.perSecond / f.ticketById.baseline,
    mustReach: '≥ 0.30',
    reached: (f) => f.ticketById.perSecond / f.ticketById.baseline >= 0.3,
  },
  {
    workload: 'GET /api/tickets first page, 50 connections',
    figure: (f) => `${n(f.firstPage.perSecond)} req/s, p99 ${ms(f.firstPage.p99Ms)}`,
    baseline: () => 'same',
    ratio: (f) => f.firstPage.perSecond / f.firstPage.baseline,
    mustReach: '≥ 0.15',
    reached: (f) => f.firstPage.perSecond / f.firstPage.baseline >= 0.15,
  },
  {
    workload: 'reservations of distinct tickets out of 10,000, 64 in flight, 50 buyers',
    figure: (f) => `${n(f.reservations.perSecond)} /s, p99 ${ms(f.reservations.p99Ms)}`,
    baseline: (f) => `pgbench single-row UPDATE ${n(f.reservations.baseline)} tps`,
    ratio: (f) => f.reservations.perSecond / f.reservations.baseline,
    mustReach: '≥ 0.15',
    reached: (f) => f.reservations.perSecond / f.reservations.baseline >= 0.15,
  },
  {
    workload: '1,000 buyers POST at once (new connections) for one ticket',
    figure: (f) =>
      `${f.race.winners} winner; last answer after ${ms(f.race.lastAnswerMs)} ${JSON.stringify(f.race.statuses)}`,
    baseline: (f) => {
      const rates = [
        f.race.ed25519SodiumVerifiesPerSecond && `libsodium ${n(f.race.ed25519SodiumVerifiesPerSecond)} /s`,
        f.race.ed25519VerifiesPerSecond && `node:crypto ${n(f.race.ed25519VerifiesPerSecond)} /s`,
      ].filter(Boolean)
      return rates.length > 0 ? `Ed25519 verify, one core: ${rates.join(', ')}` : '—'
    },
    mustReach: '1 winner, every answer within 1 s',
    reached: (f) =>
      f.race.winners === 1 &&
      f.race.lastAnswerMs <= 1000 &&
      Object.keys(f.race.statuses).every((status) => status === '201' || status.startsWith('4')),
  },
  {
    workload: 'ticket created → orderable, at low load',
    figure: (f) =>
      `p50 ${ms(f.orderable.quiet.p50)}, p99 ${ms(f.orderable.quiet.p99)}; at ${n(f.orderable.backgroundPerSecond)} ` +
      `reservations/s p99 ${ms(f.orderable.underLoad.p99)}`,
    baseline: () => '—',
    mustReach: 'p99 ≤ 25 ms; ≤ 100 ms at half the reservation maximum',
    reached: (f) =>
      f.orderable.quiet.p99 <= 25 && f.orderable.underLoad.p99 <= 100 && f.orderable.backgroundRanThroughout,
  },
  {
    workload: 'server-rendered home page',
    figure: (f) =>
      `${n(f.homePage.perSecond)} req/s, p99 ${ms(f.homePage.p99Ms)}; stale ≤ ${ms(f.freshness.maxStaleMs)}` +
      `${f.freshness.ownChangeShownAtOnce ? ', own change at once' : ', OWN CHANGE STALE'}`,
    baseline: (f) => `GET /api/tickets?limit=24 via gateway ${n(f.homePage.baseline)} req/s`,
    mustReach: '≥ 1,000 req/s, p99 ≤ 100 ms, ≤ 2 s stale, never after own change',
    reached: (f) =>
      f.homePage.perSecond >= 1000 &&
      f.homePage.p99Ms <= 100 &&
      f.freshness.maxStaleMs <= 2000 &&
      f.freshness.ownChangeShownAtOnce,
  },
  {
    workload: 'sign-in (rate limits raised for the run)',
    figure: (f) => `${n(f.signIn.perSecond)} /s, p99 ${ms(f.signIn.p99Ms)}`,
    baseline: (f) => `argon2id verify ${n(f.signIn.baseline)} /s, 8 in flight, auth's threadpool`,
    ratio: (f) => f.signIn.perSecond / f.signIn.baseline,
    mustReach: '≥ 0.8',
    reached: (f) => f.signIn.perSecond / f.signIn.baseline >= 0.8,
  },
  {
    workload: 'whole stack’s memory after load',
    figure: (f) =>
      `${n(f.memory.rssMb)} MB RSS (PSS ${n(f.memory.pssMb)} MB), ${f.memory.processes} processes`,
    baseline: () => '—',
    mustReach: '≤ 600 MB RSS after load',
    reached: (f) => f.memory.rssMb <= 600,
  },
]

const RESULTS = new URL('../../results/', import.meta.url)
/** The run this one is compared with ("today" in issue 16): committed, measured before the changes. */
const REFERENCE = new URL('stack-reference.json', RESULTS)

/**
 * Prints the table (stdout), the reference run's figures beside this run's, and writes this run's figures
 * to bench/results/stack-latest.json. `BENCH_REFERENCE=1 npm run bench -- stack` makes this run the reference.
 */
export async function printIssueTable(figures: StackFigures): Promise<void> {
  const reference = await readFile(REFERENCE, 'utf8').then(
    (text) => (JSON.parse(text) as { figures: StackFigures; commit?: string }).figures,
    () => undefined,
  )
  const header = [
    'workload (through the gateway, whole stack)',
    'reference run',
    'this run',
    'baseline (this run)',
  ]
  header.push('ratio ref → now', 'must reach', 'reached')
  const table = [
    header,
    ...ROWS.map((row) => [
      row.workload,
      reference ? row.figure(reference) : '—',
      row.figure(figures),
      row.baseline(figures),
      row.ratio
        ? `${reference ? row.ratio(reference).toFixed(3) : '—'} → ${row.ratio(figures).toFixed(3)}`
        : '—',
      row.mustReach,
      row.reached(figures) ? 'yes' : 'NO',
    ]),
  ]
  const lines = table.map((cells) => `| ${cells.join(' | ')} |`)
  lines.splice(1, 0, `|${header.map(() => '---').join('|')}|`)
  const extra = [
    `listing rate while seeding: ${n(figures.listingsPerSecond)} /s; tickets sold twice: ${figures.doubleSold}`,
    `a new listing reached orders ${ms(figures.orderable.settleAfterBurstMs ?? Number.NaN)} after the reservation burst`,
    `while the probes ran at ${n(figures.orderable.backgroundPerSecond)} reservations/s, the cores were ` +
      `${n((figures.orderable.busyShareUnderLoad ?? Number.NaN) * 100)} % busy, ` +
      `${(sumOf(figures.cpuMicrosPerRequest?.pacedReservations) / 1000).toFixed(1)} ms of CPU a reservation ` +
      `(in the burst: ${(sumOf(figures.cpuMicrosPerRequest?.reservations) / 1000).toFixed(1)} ms, ` +
      `${(sumOf(figures.cpuMicrosPerRequest?.settledReservations) / 1000).toFixed(1)} ms with the events it left queued)`,
    ...(['quiet', 'underLoad'] as const).map((phase) => {
      const stages = figures.orderable[phase].stages
      return stages
        ? `orderable ${phase === 'quiet' ? 'at low load' : 'under load'}: published p50 ${ms(stages.published.p50)}, ` +
            `p99 ${ms(stages.published.p99)}; then waited for orders' batch p50 ${ms(stages.waitedForBatch.p50)}, ` +
            `p99 ${ms(stages.waitedForBatch.p99)}`
        : `orderable ${phase}: no stages in this record`
    }),
    ...(['settled', 'paced'] as const).map((phase) => {
      const byService = figures.statementsPerReservation?.[phase]
      if (!byService) return `statements a reservation (${phase}): not in this record`
      const parts = Object.entries(byService).map(([service, count]) => `${service} ${count.toFixed(1)}`)
      return `statements a reservation, ${phase === 'settled' ? 'in the burst with its queued events' : 'paced'}: ${sumOf(byService).toFixed(1)} (${parts.join(', ')})`
    }),
    `memory by process: ${figures.memory.byProcess
      .map((process) => `${process.command.split(' ').slice(0, 3).join(' ')} ${n(process.rssMb)} MB`)
      .join('; ')}`,
  ]
  process.stdout.write(`\n${lines.join('\n')}\n\n${extra.join('\n')}\n`)
  if (figures.cpuMicrosPerRequest) process.stdout.write(`\n${cpuTable(figures.cpuMicrosPerRequest)}\n`)

  await mkdir(RESULTS, { recursive: true })
  const record = `${JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, figures }, null, 2)}\n`
  await writeFile(new URL('stack-latest.json', RESULTS), record)
  // npm takes `--reference` after `npm run bench -- stack` for a flag of its own: BENCH_REFERENCE=1 says it too.
  if (process.argv.includes('--reference') || process.env.BENCH_REFERENCE === '1')
    await writeFile(REFERENCE, record)
}

const sumOf = (micros: Record<string, number> | undefined) =>
  micros ? Object.values(micros).reduce((sum, value) => sum + value, 0) : Number.NaN

/** CPU µs per request by part, one column per workload: where each request's time goes. */
function cpuTable(byWorkload: NonNullable<StackFigures['cpuMicrosPerRequest']>): string {
  const workloads = Object.keys(byWorkload) as CpuColumn[]
  const column = (workload: CpuColumn) => byWorkload[workload] ?? {}
  const parts = [...new Set(workloads.flatMap((workload) => Object.keys(column(workload))))].sort()
  const total = (workload: CpuColumn) => sumOf(column(workload))
  const rows = [
    ['CPU µs per request', ...workloads],
    ...parts.map((part) => [part, ...workloads.map((workload) => String(column(workload)[part] ?? '—'))]),
    ['all', ...workloads.map((workload) => String(total(workload)))],
  ]
  const lines = rows.map((cells) => `| ${cells.join(' | ')} |`)
  lines.splice(1, 0, `|${rows[0]!.map(() => '---').join('|')}|`)
  return lines.join('\n')
}
