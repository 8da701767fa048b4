export {
  checkInvariants,
  INVARIANT_IDS,
  INVARIANTS,
  pendingWork,
  waitUntilQuiet,
  type CheckTarget,
  type InvariantId,
  type Violation,
} from './invariants.js'
export {
  FAULT_ENV,
  killAndRestart,
  purchaseWorks,
  restartGracefully,
  runScenario,
  type FaultContext,
  type RoundResult,
  type Scenario,
  type ScenarioResult,
} from './harness.js'
export { scenarios } from './scenarios/index.js'
