import { clockBehind } from '../src/scenarios/clock.js'
import { faultTest } from '../src/vitest.js'

faultTest(clockBehind)
