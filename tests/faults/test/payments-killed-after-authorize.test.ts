import { paymentsKilledAfterAuthorize } from '../src/scenarios/crash-points.js'
import { faultTest } from '../src/vitest.js'

faultTest(paymentsKilledAfterAuthorize)
