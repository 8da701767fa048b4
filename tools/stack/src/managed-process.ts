import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { StackOutput } from './output.js'

export interface ProcessSpec {
  name: string
  command: string
  args: string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** Start it again after an unexpected exit, waiting longer after each quick failure. */
  restart: boolean
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number
  /** Called each time it is spawned, restarts included (the stack records pids). */
  onStart?: () => void
}

const KEPT_LINES = 20
const FIRST_RESTART_DELAY_MS = 1_000
const MAX_RESTART_DELAY_MS = 30_000
/** A process that ran this long before dying is restarted at once, not after the backoff. */
const HEALTHY_RUN_MS = 60_000

/**
 * One child process of the stack. Its output is read line by line into the stack's output and its last lines
 * are kept, so that a process that dies can be reported with what it said last. It runs in a process group
 * of its own: Ctrl-C reaches only the launcher, which stops everything in order (services before the
 * servers they use).
 */
export class ManagedProcess {
  private child: ChildProcess | undefined
  private readonly recent: string[] = []
  private stopping = false
  private restartDelay = FIRST_RESTART_DELAY_MS
  private restartTimer: NodeJS.Timeout | undefined
  private startedAt = 0
  /** How many times it died unexpectedly. */
  deaths = 0

  constructor(
    readonly spec: ProcessSpec,
    private readonly output: StackOutput,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
  }

  lastLines(): string[] {
    return [...this.recent]
  }

  /** Spawns it; `extraEnv` adds variables for this run only (the fault suite arms a fault point with it). */
  start(extraEnv: NodeJS.ProcessEnv = {}): void {
    this.stopping = false
    this.startedAt = Date.now()
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: { ...this.spec.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    this.child = child
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.record(line))
    }
    child.once('error', (error) => this.record(`could not start ${this.spec.command}: ${error.message}`))
    child.once('exit', (code, signal) => this.exited(code, signal))
    this.spec.onStart?.()
  }

  /** SIGTERM, then SIGKILL if it has not finished in time. Resolves once it has exited. */
  async stop(): Promise<void> {
    this.stopping = true
    clearTimeout(this.restartTimer)
    const child = this.child
    if (!child || !this.running) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => {
      this.output.notice(`${this.spec.name} did not stop within its grace period: killing it`, 'warn')
      child.kill('SIGKILL')
    }, this.spec.stopTimeoutMs ?? 15_000)
    await exited
    clearTimeout(timer)
  }

  /**
   * Ends the process at once with a signal (SIGKILL by default: a crash, no cleanup) and resolves once it has
   * exited. Asked for, so neither counted as a death nor restarted: the fault suite kills a service mid-run
   * with it and starts it again itself.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.stopping = true
    clearTimeout(this.restartTimer)
    const child = this.child
    if (!child || !this.running) return
    const exited = once(child, 'exit')
    child.kill(signal)
    await exited
  }

  /** Sends a signal as something outside the launcher would (tests use it to kill a service mid-run). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal)
  }

  private record(line: string): void {
    this.recent.push(line)
    if (this.recent.length > KEPT_LINES) this.recent.shift()
    this.output.line(this.spec.name, line)
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return
    this.deaths += 1
    const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`
    const lines = this.recent.length
      ? `; its last lines:\n${this.recent.map((line) => `    ${this.output.format(line)}`).join('\n')}`
      : ' without printing anything'
    this.output.notice(`${this.spec.name} ${how}${lines}`, 'error')
    if (!this.spec.restart) return

    if (Date.now() - this.startedAt > HEALTHY_RUN_MS) this.restartDelay = FIRST_RESTART_DELAY_MS
    const delay = this.restartDelay
    this.restartDelay = Math.min(this.restartDelay * 2, MAX_RESTART_DELAY_MS)
    this.output.notice(`restarting ${this.spec.name} in ${delay / 1000} s`, 'warn')
    this.restartTimer = setTimeout(() => {
      if (!this.stopping) this.start()
    }, delay)
  }
}
