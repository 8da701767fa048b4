import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { workloads } from '../workloads/index.js'
import type { Measurement } from './workload.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 5)
// Names of workloads; `--reference` (the stack workload's) is an option, not a name.
const only = process.argv.slice(2).filter((argument) => !argument.startsWith('--'))
const selected = only.length > 0 ? workloads.filter((workload) => only.includes(workload.name)) : workloads
if (selected.length === 0) {
  process.stderr.write(
    `no workload named ${only.join(', ')}; known: ${workloads.map((w) => w.name).join(', ')}\n`,
  )
  process.exit(2)
}

const format = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2)

const rows: (Measurement & { workload: string; ratio: number })[] = []
for (const workload of selected) {
  process.stderr.write(`running ${workload.name}: ${workload.description}\n`)
  for (const measurement of await workload.run({ seconds })) {
    rows.push({ workload: workload.name, ...measurement, ratio: measurement.value / measurement.baseline })
  }
}

const table = [
  ['workload', 'metric', 'value', 'baseline', 'ratio'],
  ...rows.map((row) => [
    row.workload,
    `${row.metric} (${row.better} is better)`,
    `${format(row.value)} ${row.unit}`,
    `${format(row.baseline)} ${row.unit} (${row.baselineName})`,
    `${row.ratio.toFixed(2)}x`,
  ]),
]
const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)))
const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')
process.stdout.write(`\n${line(table[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`)
process.stdout.write(`${table.slice(1).map(line).join('\n')}\n`)

const resultsDir = new URL('../results/', import.meta.url)
await mkdir(resultsDir, { recursive: true })
await writeFile(
  new URL('latest.json', resultsDir),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        memoryGb: os.totalmem() / 2 ** 30,
      },
      secondsPerSide: seconds,
      results: rows,
    },
    null,
    2,
  )}\n`,
)
process.stdout.write(`\nwritten to bench/results/latest.json\n`)
