import { consumerDeleted } from '../src/scenarios/events.js'
import { faultTest } from '../src/vitest.js'

faultTest(consumerDeleted)
