import { describe, expect, it } from 'vitest'
import { formatLogLine } from '../src/output.js'

describe('a process line as the terminal shows it', () => {
  it("makes pino's JSON readable, leaving out what every line of a process repeats", () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 10, 29, 12, 3, 45, 120),
      pid: 7,
      hostname: 'h',
      service: 'orders',
      msg: 'listener retrying',
      subject: 'ticket.created',
      attempt: 2,
    })
    expect(formatLogLine(line, false)).toBe(
      '12:03:45.120 WARN: listener retrying {"subject":"ticket.created","attempt":2}',
    )
    expect(formatLogLine(line, true)).toContain('\u001b[33mWARN\u001b[0m')
  })

  it.each(['plain text', '{not json', '{"no":"level"}', '', '[1,2]'])('shows %j as it is', (line) => {
    expect(formatLogLine(line, false)).toBe(line)
  })

  it('shows an error with its stack on the same line', () => {
    const line = JSON.stringify({
      level: 50,
      msg: 'request failed',
      err: { message: 'boom', stack: 'Error: boom\n    at x' },
    })
    expect(formatLogLine(line, false)).toBe(
      'ERROR: request failed {"err":{"message":"boom","stack":"Error: boom\\n    at x"}}',
    )
  })
})
