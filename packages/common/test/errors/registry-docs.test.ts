import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { errorRegistry } from '../../src/index.js'

/** Rows of the table in docs/errors.md: | `CODE` | status | message | */
function documentedCodes(): Record<string, { status: number; message: string }> {
  const markdown = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8')
  const rows = [...markdown.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+?) \|$/gm)]
  return Object.fromEntries(
    rows.map(([, code, status, message]) => [code, { status: Number(status), message }]),
  )
}

describe('docs/errors.md', () => {
  it('lists exactly the registered error codes, with their statuses and messages', () => {
    expect(documentedCodes()).toEqual(errorRegistry)
  })
})
