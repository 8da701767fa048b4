import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { AppError, buildService, NotFoundError, SLOW_REQUEST_MS } from '../../src/index.js'

/** A service whose log lines are collected, at the given level. */
function loggedService(level: string) {
  const lines: { level: number; msg: string; statusCode?: number; url?: string }[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  const app = buildService({ name: 'test', logger: { level, stream } })
  app.get('/fine', async () => ({ ok: true }))
  app.get('/missing', async () => {
    throw new NotFoundError()
  })
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, SLOW_REQUEST_MS + 20))
    return { ok: true }
  })
  app.get('/limited', async () => {
    throw new AppError('RATE_LIMITED')
  })
  app.get('/broken', async () => {
    throw new Error('a bug')
  })
  const done = () => lines.filter((line) => line.msg === 'request done').map((line) => line.url)
  const others = () => lines.filter((line) => line.msg !== 'request done').map((line) => line.msg)
  return { app, done, others }
}

describe('request logs', () => {
  it('at info, a line for each failed, rate-limited or slow request, none for the rest', async () => {
    const { app, done, others } = loggedService('info')
    for (const url of ['/fine', '/missing', '/fine', '/limited', '/broken', '/slow'])
      await app.inject({ url })
    expect(done()).toEqual(['/slow'])
    expect(others()).toEqual(['request refused', 'request failed'])
    await app.close()
  })

  it('at debug, a line for every request, and one for every refusal', async () => {
    const { app, done, others } = loggedService('debug')
    for (const url of ['/fine', '/missing', '/fine']) await app.inject({ url })
    expect(done()).toEqual(['/fine', '/missing', '/fine'])
    expect(others()).toEqual(['request refused'])
    await app.close()
  })
})
