import { fileURLToPath } from 'node:url'
import type { Scenario } from '../harness.js'

const FIVE_MINUTES_MS = 5 * 60_000
const skew = (ms: number) => ({
  NODE_OPTIONS: `--import ${fileURLToPath(new URL('../clock-skew.mjs', import.meta.url))}`,
  CLOCK_SKEW_MS: String(ms),
})

/**
 * expiration's and payments' host clocks run five minutes ahead, so every timer fires at once, minutes early,
 * and payments would think every hold over. Holds must still end by the database's clock: not before expiresAt
 * (I4), and not long after it (the sweeper); payments judges holds by the database's clock too.
 */
export const clockAhead: Scenario = {
  name: 'clock-ahead',
  load: { workers: 3, endings: { pay: 1, cancel: 0, expire: 3 } },
  partEnv: { expiration: skew(FIVE_MINUTES_MS), payments: skew(FIVE_MINUTES_MS) },
  async inject({ load }) {
    // The fault is there from the start: let holds be placed and run out under it.
    await load.progressed(6, 60_000)
  },
}

/**
 * expiration's and payments' host clocks run five minutes behind: timers fire minutes late and the sweeper ends
 * the holds; payments takes no payment for a hold that is over by the database's clock.
 */
export const clockBehind: Scenario = {
  name: 'clock-behind',
  load: { workers: 3, endings: { pay: 1, cancel: 0, expire: 3 } },
  partEnv: { expiration: skew(-FIVE_MINUTES_MS), payments: skew(-FIVE_MINUTES_MS) },
  async inject({ load }) {
    await load.progressed(6, 60_000)
  },
}
