import { describe, expect, it } from 'vitest'
import { pageRequest, ValidationError } from '../../src/index.js'

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const ID = '0b0a3c1e-7d1f-4f3a-9a53-3f1a0e2b9c11'

describe('a page cursor', () => {
  it('reads back the position it names', () => {
    const page = pageRequest({ limit: 10, cursor: cursorOf(['2026-11-24T09:00:00.000Z', ID]) })
    expect(page).toEqual({ size: 10, after: { createdAt: new Date('2026-11-24T09:00:00.000Z'), id: ID } })
    expect(pageRequest({ limit: 5, cursor: '' })).toEqual({ size: 5 })
  })

  it.each([
    ['not base64 JSON', '!!!'],
    ['JSON null', cursorOf(null)],
    ['an object', cursorOf({ createdAt: '2026-11-24T09:00:00.000Z', id: ID })],
    ['a third element', cursorOf(['2026-11-24T09:00:00.000Z', ID, 1])],
    ['an id that is not a uuid', cursorOf(['2026-11-24T09:00:00.000Z', 'x'])],
    ['an id with a NUL', cursorOf(['2026-11-24T09:00:00.000Z', `${ID}\u0000`])],
    ['a date that is not ISO', cursorOf(['November 24, 2026', ID])],
    ['a date of a six-digit year', cursorOf(['+275760-09-13T00:00:00.000Z', ID])],
    ['a number for the date', cursorOf([0, ID])],
  ])('refuses %s as a 400 on cursor', (_what, cursor) => {
    let thrown: unknown
    try {
      pageRequest({ limit: 10, cursor })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ValidationError)
    expect((thrown as ValidationError).items).toEqual([
      { field: 'cursor', message: 'This page link is not valid any more: start again from the first page' },
    ])
  })
})

describe('a page cursor of a list sorted on an integer (prices)', () => {
  it('reads back the position it names', () => {
    expect(pageRequest({ limit: 10, cursor: cursorOf([1999, ID]) }, 'integer')).toEqual({
      size: 10,
      after: { key: 1999, id: ID },
    })
  })

  it.each([
    ['a date', cursorOf(['2026-11-24T09:00:00.000Z', ID])],
    ['a fraction', cursorOf([19.5, ID])],
    ['an unsafe integer', cursorOf([2 ** 60, ID])],
    ['a numeric string', cursorOf(['1999', ID])],
  ])('refuses %s as a 400 on cursor', (_what, cursor) => {
    expect(() => pageRequest({ limit: 10, cursor }, 'integer')).toThrow(ValidationError)
  })
})
