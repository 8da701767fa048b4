import { describe, expect, it } from 'vitest'
import { RetryLaterError, skipOrWait } from '../../src/index.js'

// After a one-statement save that changed no row (insert of version 0, or update where version = incoming - 1).
describe('skipOrWait', () => {
  it('ignores a version applied already', () => {
    expect(() => skipOrWait(3, 3)).not.toThrow()
    expect(() => skipOrWait(3, 1)).not.toThrow()
    expect(() => skipOrWait(0, 0)).not.toThrow()
  })

  it('waits for a missing version, of a record seen or not seen yet', () => {
    expect(() => skipOrWait(1, 3)).toThrow(RetryLaterError)
    expect(() => skipOrWait(undefined, 1)).toThrow(RetryLaterError)
  })

  it('retries a version that became the next one after its save found none to follow', () => {
    expect(() => skipOrWait(2, 3)).toThrow(RetryLaterError)
    expect(() => skipOrWait(undefined, 0)).toThrow(RetryLaterError)
  })
})
