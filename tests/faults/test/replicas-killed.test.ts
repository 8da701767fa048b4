import { replicasKilled } from '../src/scenarios/processes.js'
import { faultTest } from '../src/vitest.js'

faultTest(replicasKilled, { timeoutMs: 420_000 })
