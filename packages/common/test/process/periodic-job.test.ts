import { describe, expect, it, vi } from 'vitest'
import { PeriodicJob } from '../../src/index.js'

/** A run that waits until it is let go, so a test can hold it in progress. */
function heldRuns() {
  const releases: (() => void)[] = []
  let running = 0
  let most = 0
  const run = vi.fn(async () => {
    most = Math.max(most, ++running)
    await new Promise<void>((resolve) => releases.push(resolve))
    running--
  })
  return {
    run,
    release: () => releases.shift()?.(),
    mostAtOnce: () => most,
    inProgress: () => running,
  }
}

describe('a periodic job', () => {
  it('runs again after each run ends, never two at once', async () => {
    const runs = heldRuns()
    const job = new PeriodicJob({ name: 'test', everyMs: 5, run: runs.run })
    job.start()
    for (let round = 1; round <= 3; round++) {
      await vi.waitFor(() => expect(runs.run).toHaveBeenCalledTimes(round))
      await new Promise((resolve) => setTimeout(resolve, 20)) // long enough for an overlapping run to start
      expect(runs.inProgress()).toBe(1)
      runs.release()
    }
    await job.stop()
    expect(runs.mostAtOnce()).toBe(1)
  })

  it('stop() waits for the run in progress, and no run starts after it', async () => {
    const runs = heldRuns()
    const job = new PeriodicJob({ name: 'test', everyMs: 5, run: runs.run })
    job.start()
    await vi.waitFor(() => expect(runs.inProgress()).toBe(1))

    let stopped = false
    const stopping = job.stop().then(() => (stopped = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(stopped).toBe(false)
    runs.release()
    await stopping
    expect(runs.inProgress()).toBe(0)

    const calls = runs.run.mock.calls.length
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(runs.run).toHaveBeenCalledTimes(calls)
  })

  it('logs a failed run and runs again all the same', async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    const run = vi.fn().mockRejectedValueOnce(new Error('database away')).mockResolvedValue(undefined)
    const job = new PeriodicJob({ name: 'sweeper', everyMs: 5, run, logger })
    job.start()
    await vi.waitFor(() => expect(run.mock.calls.length).toBeGreaterThanOrEqual(2))
    await job.stop()
    expect(logger.error).toHaveBeenCalledWith(
      { err: expect.objectContaining({ message: 'database away' }) },
      'sweeper: run failed',
    )
  })
})
