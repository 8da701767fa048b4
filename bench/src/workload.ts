/**
 * A benchmark workload: what it measures and the baseline it is measured against, both in the same run on
 * the same machine, so the ratio means something where absolute numbers would not.
 */
export interface Workload {
  name: string
  description: string
  run(options: RunOptions): Promise<Measurement[]>
}

export interface RunOptions {
  /** Seconds of load for each measured side (BENCH_SECONDS, default 5). */
  seconds: number
}

export interface Measurement {
  metric: string
  unit: string
  value: number
  baseline: number
  /** What the baseline is: "node:http", "pgbench single-row UPDATE", … */
  baselineName: string
  /** Whether more is better (throughput) or less (latency). */
  better: 'higher' | 'lower'
}
