import closeWithGrace from 'close-with-grace'
import Type from 'typebox'
import { commonEnv, ConfigError, loadConfig } from '../config/load-config.js'
import { serveMetrics, type MetricsServer, type ServiceMetrics } from '../metrics.js'
import { armFaultPoints } from './fault-points.js'

export interface RunningService {
  close(): Promise<unknown>
  /** The app's metrics (every app built by buildService has them), served on METRICS_PORT when it is set. */
  metrics?: ServiceMetrics
}

export interface RunOptions {
  /** How long in-flight work may take to finish after SIGTERM before the process exits anyway. */
  shutdownDelayMs?: number
  /** The environment METRICS_PORT and HOST are read from; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>
}

const metricsEnv = Type.Object({ HOST: commonEnv.HOST, METRICS_PORT: commonEnv.METRICS_PORT })

/**
 * The body of every main.ts. Starts the service; a failure to start (bad configuration, unreachable
 * database) prints its reason and exits 1. With METRICS_PORT set, the app's metrics are then served at
 * `GET /metrics` on that port (serveMetrics), apart from the API. Once running, SIGINT/SIGTERM close it
 * gracefully: stop accepting, finish in-flight requests, close dependencies in reverse order, and last the
 * metrics listener, so that a scrape during the shutdown still answers.
 */
export function runService(start: () => Promise<RunningService>, options: RunOptions = {}): void {
  let metricsServer: MetricsServer | undefined
  Promise.resolve()
    .then(async () => {
      armFaultPoints()
      // Read before the start, so that a bad METRICS_PORT stops the process before it connects to anything.
      const env = loadConfig(metricsEnv, options.env)
      const service = await start()
      if (env.METRICS_PORT !== undefined && service.metrics) {
        metricsServer = await serveMetrics(service.metrics, { port: env.METRICS_PORT, host: env.HOST })
      }
      return service
    })
    .then(
      (service) => {
        closeWithGrace({ delay: options.shutdownDelayMs ?? 10_000 }, async ({ err }) => {
          if (err) process.stderr.write(`shutting down after an error: ${err.stack ?? String(err)}\n`)
          await service.close()
          await metricsServer?.close()
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
