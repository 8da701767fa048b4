// The baseline's own process: argon2id verifications of one hash, `inFlight` at a time, with nothing else on
// its event loop. Told what to verify over IPC; answers with its rate and p99 latency, then exits.
import { verify } from '@node-rs/argon2'
import { percentile } from '../../src/stats.js'

export interface VerifyJob {
  passwordHash: string
  password: string
  seconds: number
  inFlight: number
}

export interface VerifyResult {
  perSecond: number
  latencyP99Ms: number
}

async function measure({ passwordHash, password, seconds, inFlight }: VerifyJob): Promise<VerifyResult> {
  // Not counted: the first round starts libuv's threadpool, as autocannon's warm-up second does for the service.
  await Promise.all(Array.from({ length: inFlight }, () => verify(passwordHash, password)))

  const latencies: number[] = []
  const started = performance.now()
  const deadline = started + seconds * 1000
  const verifyUntilDeadline = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now()
      if (!(await verify(passwordHash, password)))
        throw new Error('argon2id verify refused the right password')
      latencies.push(performance.now() - begun)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, verifyUntilDeadline))
  return {
    perSecond: latencies.length / ((performance.now() - started) / 1000),
    latencyP99Ms: percentile(latencies, 99),
  }
}

process.once('message', (job: VerifyJob) => {
  void measure(job).then((result) => {
    // The IPC channel is all that keeps this process alive: closing it once the result is sent ends it.
    process.send!(result, () => process.disconnect())
  })
})
