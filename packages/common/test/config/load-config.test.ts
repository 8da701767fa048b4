import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { commonEnv, ConfigError, loadConfig } from '../../src/index.js'

const schema = Type.Object({
  ...commonEnv,
  DATABASE_URL: Type.String({ format: 'uri' }),
  ORDER_HOLD_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  COOKIE_SECURE: Type.Boolean({ default: false }),
})

describe('loadConfig', () => {
  it('converts, applies defaults and freezes', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://db/tickets',
      PORT: '4000',
      COOKIE_SECURE: 'true',
    })
    expect(config).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HOST: '0.0.0.0',
      PORT: 4000,
      DATABASE_URL: 'postgres://db/tickets',
      ORDER_HOLD_SECONDS: 900,
      COOKIE_SECURE: true,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('names a missing variable, and counts an empty one as missing', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: '' })).toThrow(/DATABASE_URL: is required/)
  })

  it('names every bad value with what it got', () => {
    let error: unknown
    try {
      loadConfig(schema, { DATABASE_URL: 'postgres://db/x', PORT: 'eighty', LOG_LEVEL: 'loud' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual([
      { variable: 'LOG_LEVEL', message: 'is not one of the allowed values (got "loud")' },
      { variable: 'PORT', message: 'must be integer (got "eighty")' },
    ])
  })
})

describe('a service booting with a bad configuration', () => {
  it('stops with exit code 1 and a message naming the variable', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/boot-service.ts', import.meta.url))
    const run = promisify(execFile)(
      process.execPath,
      ['--conditions=@ticketing/source', '--import', 'tsx', fixture],
      { env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: 'postgres://127.0.0.1/x' } },
    )
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /failed to start: Invalid configuration:\s+PORT: must be integer \(got "not-a-port"\)/,
      ),
    })
  })
})
