import { ticketResold } from '../src/scenarios/catalogue.js'
import { faultTest } from '../src/vitest.js'

faultTest(ticketResold)
