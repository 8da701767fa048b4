import path from 'node:path'
import { parseArgs } from 'node:util'
import { findOrStartInfrastructure, repositoryRoot, TerminalOutput } from '@ticketing/stack'
import { describeFailure, fuzz } from './fuzz.js'
import { startFuzzTarget } from './target.js'

/**
 * `npm run fuzz -- [--runs N] [--seed S] [--only 'POST /api/orders' ...]`: every operation of the four OpenAPI
 * documents, N requests per operation and identity (anonymous, member, admin), against a stack of its own.
 * Prints what broke the contract; exits 1 if anything did.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string' },
    only: { type: 'string', multiple: true },
  },
})
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write("usage: npm run fuzz -- [--runs N] [--seed S] [--only 'GET /api/tickets' ...]\n")
  process.exit(2)
}

const servers = await findOrStartInfrastructure({
  dataDir: path.join(repositoryRoot, '.data'),
  output: new TerminalOutput(process.stderr),
})
process.env.DATABASE_URL = servers.postgresUrl
process.env.NATS_URL = servers.natsUrl
process.env.REDIS_URL = servers.redisUrl

let failed: boolean
try {
  const target = await startFuzzTarget()
  try {
    const started = Date.now()
    const report = await fuzz({
      baseUrl: target.stack.url,
      documents: target.documents,
      identities: target.identities,
      protectedIds: target.protectedIds,
      runs,
      ...(values.seed && { seed: Number(values.seed) }),
      ...(values.only && { only: values.only }),
      log: (line) => process.stderr.write(`${line}\n`),
    })
    for (const failure of report.failures) process.stdout.write(`\n${describeFailure(failure)}\n`)
    process.stdout.write(
      `\n${report.operations.length} operations, ${report.requests} requests in ${Math.round((Date.now() - started) / 1000)} s, ` +
        `statuses ${JSON.stringify(report.statuses)}, ${report.failures.length} failures\n`,
    )
    failed = report.failures.length > 0
  } finally {
    await target.stack.cleanup()
  }
} finally {
  await servers.stop()
}
process.exit(failed ? 1 : 0)
