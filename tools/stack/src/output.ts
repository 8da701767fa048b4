import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import { prettyFactory } from 'pino-pretty'

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

/**
 * The terminal of `npm start`: each process's lines prefixed with its name in a colour of its own, pino's
 * JSON lines made readable. Colour only on a terminal, and never with NO_COLOR.
 */
export class TerminalOutput implements StackOutput {
  private readonly colour = new Map<string, number>()
  private readonly colourful: boolean
  private readonly pretty: (line: string) => string
  private width = 10

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    this.colourful = Boolean(stream.isTTY) && !process.env.NO_COLOR
    this.pretty = prettyFactory({
      colorize: this.colourful,
      singleLine: true,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,service',
    })
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
    return line.startsWith('{') ? this.pretty(line).trimEnd() : line
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
