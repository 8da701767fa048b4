import { ConfigError } from '../config/load-config.js'

/**
 * Places in the code where the fault suite makes a process crash at an exact moment, which a SIGKILL from
 * outside only hits by luck: between a handler's database write and its ack, between an authorisation and its
 * record. Switched on by TICKETING_FAULT_POINTS (a comma-separated list of the names below) and refused under
 * NODE_ENV=production, so that no deployment can set one by accident.
 */
export const FAULT_POINTS = [
  /** An event handler has written, its transaction not yet committed: the write is lost with the process. */
  'listener.before-commit',
  /** An event handler's transaction committed, the message not yet acknowledged: it comes again. */
  'listener.after-commit',
  /** expiration published expiration.completed and has not finished its job: BullMQ runs it again. */
  'expiration.after-publish',
  /** The gateway authorised the card and payments has not recorded it: the reconciler finds it. */
  'payments.after-authorize',
] as const

export type FaultPoint = (typeof FAULT_POINTS)[number]

export const FAULT_POINTS_VARIABLE = 'TICKETING_FAULT_POINTS'

let armed: ReadonlySet<string> | undefined

/**
 * The fault points switched on in this environment. Throws for an unknown name, and for any under
 * NODE_ENV=production; runService calls it first, so such a process never starts.
 */
export function armFaultPoints(env: NodeJS.ProcessEnv = process.env): ReadonlySet<FaultPoint> {
  const names = (env[FAULT_POINTS_VARIABLE] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  if (names.length > 0 && env.NODE_ENV === 'production') {
    throw new ConfigError([
      {
        variable: FAULT_POINTS_VARIABLE,
        message: 'is for the fault suite, refused under NODE_ENV=production',
      },
    ])
  }
  const unknown = names.filter((name) => !(FAULT_POINTS as readonly string[]).includes(name))
  if (unknown.length > 0) {
    throw new ConfigError([
      {
        variable: FAULT_POINTS_VARIABLE,
        message: `unknown ${unknown.join(', ')} (known: ${FAULT_POINTS.join(', ')})`,
      },
    ])
  }
  armed = new Set(names)
  return armed as ReadonlySet<FaultPoint>
}

/** Ends this process at once, as a crash would (SIGKILL: no cleanup, nothing flushed), if `point` is armed. */
export function crashAt(point: FaultPoint): void {
  armed ??= armFaultPoints()
  if (!armed.has(point)) return
  process.stderr.write(`fault point ${point}: crashing\n`)
  process.kill(process.pid, 'SIGKILL')
}
