import { expect, test } from 'vitest'
import { runScenario, type Scenario } from './harness.js'

/** How many rounds each scenario runs in `npm test`; `npm run faults -- --repeat N` is the way to run more. */
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 1)

/** The scenario as a test: its stack, its rounds, and nothing found. */
export function faultTest(scenario: Scenario, { timeoutMs = 300_000 } = {}): void {
  test(
    `${scenario.name}: once healed, every invariant holds and a new purchase succeeds`,
    async () => {
      const result = await runScenario(scenario, { rounds: ROUNDS })
      const found = result.rounds.flatMap((round) => [
        ...round.violations.map((violation) => `${violation.invariant}: ${violation.message}`),
        ...round.problems,
        ...round.notQuiet.map((line) => `not quiet: ${line}`),
      ])
      expect(found, `the stack's log: ${result.logFile ?? 'none'}`).toEqual([])
    },
    timeoutMs * ROUNDS,
  )
}
