import type { FastifyBaseLogger } from 'fastify'
import { pino } from 'pino'

/** What the event layer logs through: a service passes its app.log, so lines carry the service's fields. */
export type EventLogger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>

export const silentLogger: EventLogger = pino({ level: 'silent' })

/** 50 ms, 100 ms, 200 ms … capped: the pause before retrying after the n-th consecutive failure. */
export function backoffMs(failures: number, capMs = 5_000, baseMs = 50): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), capMs)
}

/** A sleep that `wake()` can cut short. */
export class Sleeper {
  #wake: (() => void) | undefined

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wake = done
    })
  }

  wake(): void {
    this.#wake?.()
  }
}
