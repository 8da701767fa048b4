import { postgresRestarted } from '../src/scenarios/servers.js'
import { faultTest } from '../src/vitest.js'

faultTest(postgresRestarted)
