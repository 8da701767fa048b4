import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import path from 'node:path'

/** Where the launcher's own messages and every process's log lines go. */
export interface StackOutput {
  /** One line a process printed. */
  line(source: string, text: string): void
  /** A message from the launcher itself: progress, a process that died, the URL. */
  notice(text: string, level?: 'info' | 'warn' | 'error'): void
  /** A process's line as this output shows it (pino's JSON made readable on a terminal). */
  format(line: string): string
  close(): Promise<void>
}

const COLOURS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94]
const paint = (code: number, text: string) => `\u001b[${code}m${text}\u001b[0m`

/** pino's levels, as shown, with their colours. */
const LEVELS: Record<number, [name: string, colour: number]> = {
  10: ['TRACE', 90],
  20: ['DEBUG', 90],
  30: ['INFO', 32],
  40: ['WARN', 33],
  50: ['ERROR', 31],
  60: ['FATAL', 31],
}

/**
 * One of pino's JSON lines made readable: `12:03:45.120 INFO: message {"the":"rest"}`, in UTC; any other line
 * as it is. A few microseconds a line (pino-pretty took a hundred times that, which at thousands of lines a
 * second was a core's tenth); the fields every line of a process repeats (pid, hostname, service) left out.
 */
export function formatLogLine(line: string, colourful: boolean): string {
  if (!line.startsWith('{')) return line
  let entry: unknown
  try {
    entry = JSON.parse(line)
  } catch {
    return line
  }
  if (typeof entry !== 'object' || entry === null || !('level' in entry)) return line
  const {
    level,
    time,
    msg,
    pid: _pid,
    hostname: _hostname,
    service: _service,
    ...rest
  } = entry as Record<string, unknown>
  const [name, colour] = LEVELS[level as number] ?? [String(level), 0]
  const clock = typeof time === 'number' ? `${new Date(time).toISOString().slice(11, 23)} ` : ''
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''
  return `${clock}${colourful ? paint(colour, name) : name}: ${typeof msg === 'string' ? msg : ''}${extra}`
}

/**
 * The terminal of `npm start`: each process's lines prefixed with its name in a colour of its own, pino's
 * JSON lines made readable. Colour only on a terminal, and never with NO_COLOR.
 */
export class TerminalOutput implements StackOutput {
  private readonly colour = new Map<string, number>()
  private readonly colourful: boolean
  private width = 10

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    this.colourful = Boolean(stream.isTTY) && !process.env.NO_COLOR
  }

  line(source: string, text: string): void {
    this.width = Math.max(this.width, source.length)
    let code = this.colour.get(source)
    if (code === undefined) {
      code = COLOURS[this.colour.size % COLOURS.length]!
      this.colour.set(source, code)
    }
    const prefix = `${source.padEnd(this.width)} │ `
    this.stream.write(`${this.colourful ? paint(code, prefix) : prefix}${this.format(text)}\n`)
  }

  format(line: string): string {
    return formatLogLine(line, this.colourful)
  }

  notice(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    const marker = { info: '▸', warn: '!', error: '✖' }[level]
    const code = { info: 1, warn: 33, error: 31 }[level]
    const message = `${marker} ${text}`
    this.stream.write(`${this.colourful ? paint(code, message) : message}\n`)
  }

  async close(): Promise<void> {}
}

/** For tests: everything into one file (kept for a failed run to be read), nothing on the terminal. */
export class FileOutput implements StackOutput {
  private readonly stream: WriteStream
  readonly notices: string[] = []

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true })
    this.stream = createWriteStream(file, { flags: 'a' })
  }

  line(source: string, text: string): void {
    this.stream.write(`${source} │ ${text}\n`)
  }

  format(line: string): string {
    return line
  }

  notice(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.notices.push(text)
    this.stream.write(`[stack ${level}] ${text}\n`)
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve))
  }
}
