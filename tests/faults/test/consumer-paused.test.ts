import { consumerPaused } from '../src/scenarios/processes.js'
import { faultTest } from '../src/vitest.js'

faultTest(consumerPaused)
