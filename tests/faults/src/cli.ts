import path from 'node:path'
import { parseArgs } from 'node:util'
import { findOrStartInfrastructure, repositoryRoot, TerminalOutput } from '@ticketing/stack'
import { INVARIANT_IDS } from './invariants.js'
import { runScenario, type ScenarioResult } from './harness.js'
import { scenarios } from './scenarios/index.js'

/**
 * `npm run faults -- --repeat N [--only name ...]`: runs every scenario N times (one stack per scenario, N
 * rounds on it) and prints, per scenario, how many rounds found a violation of each invariant. Exits 1 if any.
 */
const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '1' },
    only: { type: 'string', multiple: true },
  },
})
const repeat = Number(values.repeat)
const chosen = scenarios.filter((scenario) => !values.only || values.only.includes(scenario.name))
if (!Number.isInteger(repeat) || repeat < 1 || chosen.length === 0) {
  process.stderr.write(
    `usage: npm run faults -- [--repeat N] [--only ${scenarios.map((s) => s.name).join('|')} ...]\n`,
  )
  process.exit(2)
}

// The shared servers, found or started as npm test does, for the scenarios that do not bring their own.
const servers = await findOrStartInfrastructure({
  dataDir: path.join(repositoryRoot, '.data'),
  output: new TerminalOutput(process.stderr),
})
process.env.DATABASE_URL = servers.postgresUrl
process.env.NATS_URL = servers.natsUrl
process.env.REDIS_URL = servers.redisUrl

const results: (ScenarioResult & { seconds: number })[] = []
try {
  for (const scenario of chosen) {
    const started = Date.now()
    const result = await runScenario(scenario, {
      rounds: repeat,
      log: (line) => process.stderr.write(`${line}\n`),
    }).catch((error: Error) => {
      process.stderr.write(`[${scenario.name}] did not run: ${error.message}\n`)
      return {
        name: scenario.name,
        rounds: [
          {
            round: 0,
            violations: [],
            problems: [`did not run: ${error.message}`],
            notQuiet: [],
            durationMs: 0,
          },
        ],
      }
    })
    results.push({ ...result, seconds: Math.round((Date.now() - started) / 1000) })
  }
} finally {
  await servers.stop()
}

const header = ['scenario', 'runs', ...INVARIANT_IDS, 'other', 'not quiet', 'seconds']
const rows = results.map((result) => [
  result.name,
  String(result.rounds.length),
  ...INVARIANT_IDS.map((id) =>
    String(
      result.rounds.reduce(
        (sum, round) => sum + round.violations.filter((v) => v.invariant === id).length,
        0,
      ),
    ),
  ),
  String(result.rounds.reduce((sum, round) => sum + round.problems.length, 0)),
  String(result.rounds.filter((round) => round.notQuiet.length > 0).length),
  String(result.seconds),
])
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column]!.length)),
)
const line = (cells: string[]) =>
  `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
process.stdout.write(
  [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n',
)
for (const result of results.filter((r) => 'logFile' in r && r.logFile)) {
  process.stdout.write(`${result.name}: the stack's log is kept in ${result.logFile}\n`)
}
const failed = results.some((result) =>
  result.rounds.some((round) => round.violations.length + round.problems.length + round.notQuiet.length > 0),
)
process.exit(failed ? 1 : 0)
