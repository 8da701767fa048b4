import closeWithGrace from 'close-with-grace'
import { ConfigError } from '../config/load-config.js'
import { armFaultPoints } from './fault-points.js'

export interface RunningService {
  close(): Promise<unknown>
}

export interface RunOptions {
  /** How long in-flight work may take to finish after SIGTERM before the process exits anyway. */
  shutdownDelayMs?: number
}

/**
 * The body of every main.ts. Starts the service; a failure to start (bad configuration, unreachable
 * database) prints its reason and exits 1. Once running, SIGINT/SIGTERM close it gracefully: stop
 * accepting, finish in-flight requests, then close dependencies in reverse order.
 */
export function runService(start: () => Promise<RunningService>, options: RunOptions = {}): void {
  Promise.resolve()
    .then(() => {
      armFaultPoints()
      return start()
    })
    .then(
      (service) => {
        closeWithGrace({ delay: options.shutdownDelayMs ?? 10_000 }, async ({ err }) => {
          if (err) process.stderr.write(`shutting down after an error: ${err.stack ?? String(err)}\n`)
          await service.close()
        })
      },
      (error: unknown) => {
        const reason =
          error instanceof ConfigError ? error.message : ((error as Error)?.stack ?? String(error))
        process.stderr.write(`failed to start: ${reason}\n`)
        process.exit(1)
      },
    )
}
