import { clockAhead } from '../src/scenarios/clock.js'
import { faultTest } from '../src/vitest.js'

faultTest(clockAhead)
