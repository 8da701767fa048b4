import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeFailure, fuzz } from '../src/fuzz.js'
import { startFuzzTarget, type FuzzTarget } from '../src/target.js'

/** Requests per operation and identity in npm test: a few thousand in all; `npm run fuzz -- --runs N` for more. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)

let target: FuzzTarget

beforeAll(async () => {
  target = await startFuzzTarget()
}, 180_000)

afterAll(async () => {
  await target?.stack.cleanup()
}, 60_000)

test('every operation of the four documents, with generated valid and hostile input, keeps the contract', async () => {
  const report = await fuzz({
    baseUrl: target.stack.url,
    documents: target.documents,
    identities: target.identities,
    protectedIds: target.protectedIds,
    runs: RUNS,
  })
  // Each document lists every route (a test of its own checks that): here, that they are not empty.
  expect(report.operations.length).toBeGreaterThan(20)
  expect(report.failures.map(describeFailure)).toEqual([])
}, 600_000)
