import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { services, webParts } from '../src/index.js'

/** Rows of the parts table in the README: | `name` | port | `/api/…` or — | `database` or — | */
function documentedParts(): Record<string, { port: number; routes: string[]; database: string | null }> {
  const markdown = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
  const rows = [...markdown.matchAll(/^\| `([a-z]+)` \| (\d{4}) \| (.+?) \| (.+?) \|$/gm)]
  const list = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map(([, value]) => value!)
  return Object.fromEntries(
    rows.map(([, name, port, routes, database]) => [
      name,
      { port: Number(port), routes: list(routes!), database: list(database!)[0] ?? null },
    ]),
  )
}

describe('the table of parts in the README', () => {
  it('shows exactly the services of the table in @ticketing/common, and the gateway and client', () => {
    const expected = {
      ...Object.fromEntries(
        Object.entries(services).map(([name, part]) => [name, { ...part, routes: [...part.routes] }]),
      ),
      gateway: { port: webParts.gateway.port, routes: ['/'], database: null },
      client: { port: webParts.client.port, routes: [], database: null },
    }
    expect(documentedParts()).toEqual(expected)
  })
})
