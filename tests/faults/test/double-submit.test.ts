import { doubleSubmit } from '../src/scenarios/requests.js'
import { faultTest } from '../src/vitest.js'

faultTest(doubleSubmit)
