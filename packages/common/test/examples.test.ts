import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { infrastructure, nameTestDatabase } from '@ticketing/testing'
import { describe, expect, it } from 'vitest'

describe('the example', () => {
  it('publishes one event and consumes it', async () => {
    const database = nameTestDatabase('example')
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--conditions=@ticketing/source',
          '--import',
          'tsx',
          fileURLToPath(new URL('../examples/publish-and-consume.ts', import.meta.url)),
        ],
        {
          env: { ...process.env, DATABASE_URL: database.url, NATS_URL: infrastructure.natsUrl },
          timeout: 30_000,
        },
      )
      expect(stdout).toMatch(
        /tickets wrote ticket.created ([0-9a-f-]{36}) to its outbox\norders handled ticket.created \1: "Example concert"/,
      )
    } finally {
      await database.drop()
    }
  })
})
