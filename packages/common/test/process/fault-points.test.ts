import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/index.js'
import { armFaultPoints } from '../../src/process/fault-points.js'

const faultPoints = fileURLToPath(new URL('../../src/process/fault-points.ts', import.meta.url))

/** A node process that passes `point`, with TICKETING_FAULT_POINTS as given. */
function passThrough(point: string, armed: string | undefined) {
  const script = `const { crashAt } = await import(${JSON.stringify(faultPoints)}); crashAt(${JSON.stringify(point)}); console.log('went on')`
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_ENV: 'test', TICKETING_FAULT_POINTS: armed ?? '' },
    encoding: 'utf8',
  })
}

describe('fault points', () => {
  it('crash the process at an armed point, as SIGKILL would', () => {
    const crashed = passThrough('listener.after-commit', 'payments.after-authorize, listener.after-commit')
    expect(crashed.signal).toBe('SIGKILL')
    expect(crashed.stdout).toBe('')
    expect(crashed.stderr).toContain('fault point listener.after-commit: crashing')
  })

  it('let the process go on past a point that is not armed, and when none is', () => {
    for (const armed of ['listener.before-commit', undefined]) {
      const passed = passThrough('listener.after-commit', armed)
      expect(passed.signal).toBeNull()
      expect(passed.stdout.trim()).toBe('went on')
    }
  })

  it('are refused under NODE_ENV=production and when unknown', () => {
    expect(() =>
      armFaultPoints({ NODE_ENV: 'production', TICKETING_FAULT_POINTS: 'listener.after-commit' }),
    ).toThrow(ConfigError)
    expect(() => armFaultPoints({ NODE_ENV: 'production' })).not.toThrow()
    expect(() => armFaultPoints({ TICKETING_FAULT_POINTS: 'listener.after-comit' })).toThrow(
      /unknown listener.after-comit/,
    )
  })
})
