import { randomBytes } from 'node:crypto'

/** Short, lower-case, collision-safe for one machine's concurrent runs: `k3v9q2xd`. */
export function randomId(length = 8): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('')
}

/**
 * An events namespace of its own for a test: subjects `<ns>.ticket.created`, streams `<NS>_TICKETS`, so
 * parallel runs never see each other's events.
 */
export function testNamespace(): string {
  return `t${randomId(10)}`
}
