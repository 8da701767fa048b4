import { eventCancelled } from '../src/scenarios/catalogue.js'
import { faultTest } from '../src/vitest.js'

faultTest(eventCancelled)
