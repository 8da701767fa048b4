import { ConfigError } from '@ticketing/common'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../src/config.js'

describe('configuration', () => {
  const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tickets'

  it('listens on 4002 and lists tickets in USD unless told otherwise', () => {
    expect(readConfig({ DATABASE_URL })).toMatchObject({ PORT: 4002, CURRENCY: 'USD' })
    expect(readConfig({ DATABASE_URL, CURRENCY: 'EUR', PORT: '5000' })).toMatchObject({
      PORT: 5000,
      CURRENCY: 'EUR',
    })
  })

  it('stops at start naming every bad or missing variable', () => {
    const read = () => readConfig({ CURRENCY: 'euro' })
    expect(read).toThrow(ConfigError)
    expect(read).toThrow(/DATABASE_URL: is required/)
    expect(read).toThrow(/CURRENCY: .*\(got "euro"\)/)
  })

  it('refuses a currency ISO 4217 does not list', () => {
    expect(() => readConfig({ DATABASE_URL, CURRENCY: 'ABC' })).toThrow(
      /CURRENCY: ABC is not an ISO 4217 currency/,
    )
  })
})
