import { paymentsKilledMidPayment } from '../src/scenarios/payments.js'
import { faultTest } from '../src/vitest.js'

faultTest(paymentsKilledMidPayment)
