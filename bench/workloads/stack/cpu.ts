import { readdir, readFile } from 'node:fs/promises'

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100

/** CPU seconds used so far, by part of the system: each of the stack's processes and the servers under it. */
export type CpuSnapshot = Map<string, number>

/**
 * The CPU time of every process on the machine that serves the stack, grouped by part: the stack's own
 * processes by what they run (the tree under `npm start`), and PostgreSQL, NATS and Redis by name (every
 * process of theirs, so other users of those servers would count too: run the benchmark on a quiet machine).
 * The load generator is this process.
 */
export async function cpuSnapshot(stackRoot: number): Promise<CpuSnapshot> {
  // Read first: scanning /proc below costs this process tens of milliseconds, which no request caused.
  const own = globalThis.process.cpuUsage()
  const processes: { pid: number; parent: number; name: string; seconds: number }[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    if (!stat) continue
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    // The fields after the name's last ')': state, ppid, …, utime (12th), stime (13th), and what its children
    // used until they exited (cutime, cstime): a PostgreSQL backend whose connection the pool closed between
    // two snapshots takes its CPU with it, to the postmaster's cutime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const seconds =
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND
    processes.push({ pid: Number(entry), parent: Number(fields[1]), name, seconds })
  }
  const tree = new Set([stackRoot])
  for (let grew = true; grew;) {
    grew = false
    for (const process of processes) {
      if (!tree.has(process.pid) && tree.has(process.parent)) grew = tree.add(process.pid) !== undefined
    }
  }
  const snapshot: CpuSnapshot = new Map()
  const add = (part: string, seconds: number) => snapshot.set(part, (snapshot.get(part) ?? 0) + seconds)
  for (const process of processes) {
    if (tree.has(process.pid)) {
      const command = await readFile(`/proc/${process.pid}/cmdline`, 'utf8').catch(() => '')
      add(partOf(command.split('\0').join(' ')), process.seconds)
    } else if (process.name === 'postgres') add('postgres', process.seconds)
    else if (process.name === 'nats-server') add('nats-server', process.seconds)
    else if (process.name === 'redis-server') add('redis-server', process.seconds)
  }
  add('load generator', (own.user + own.system) / 1e6)
  return snapshot
}

function partOf(command: string): string {
  const part = /(?:services|apps)\/([a-z-]+)\//.exec(command)?.[1]
  if (part) return part
  // nginx names its processes `nginx: master process …` and `nginx: worker process`.
  if (command.startsWith('nginx')) return 'gateway'
  if (command.includes('start.mjs')) return 'launcher'
  if (/\bnpm\b/.test(command)) return 'npm'
  return command.split(' ')[0] ?? 'other'
}

/** Microseconds of CPU per request, by part, between two snapshots (parts that used under 1 µs left out). */
export function cpuPerRequest(
  before: CpuSnapshot,
  after: CpuSnapshot,
  requests: number,
): Record<string, number> {
  const perRequest: Record<string, number> = {}
  for (const [part, seconds] of after) {
    const micros = ((seconds - (before.get(part) ?? 0)) * 1e6) / requests
    if (micros >= 1) perRequest[part] = Math.round(micros)
  }
  return perRequest
}
