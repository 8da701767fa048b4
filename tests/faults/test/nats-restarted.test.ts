import { natsRestarted } from '../src/scenarios/events.js'
import { faultTest } from '../src/vitest.js'

faultTest(natsRestarted)
