import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { buildService, dependency } from '../../src/index.js'

describe('health and readiness', () => {
  it('is alive, and ready only while every dependency answers', async () => {
    const app = buildService({ name: 'test', logger: false })
    let databaseUp = true
    await app.register(
      dependency('database', { check: async () => databaseUp || Promise.reject(new Error('down')) }),
    )
    await app.register(dependency('bus', { check: async () => {} }))

    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200)

    databaseUp = false
    const notReady = await app.inject({ url: '/readyz' })
    expect(notReady.statusCode).toBe(503)
    expect(notReady.json()).toEqual({ errors: [{ message: 'The service is not ready: database' }] })
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200)
    await app.close()
  })
})

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, then closes dependencies in reverse order', async () => {
    const events: string[] = []
    const app = buildService({ name: 'test', logger: false })
    await app.register(dependency('database', { close: async () => void events.push('database closed') }))
    await app.register(dependency('bus', { close: async () => void events.push('bus closed') }))
    app.get('/slow', async () => {
      await sleep(300)
      events.push('request finished')
      return { done: true }
    })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })

    const inFlight = fetch(`${address}/slow`)
    await sleep(50)
    const closed = app.close().then(() => events.push('app closed'))
    const response = await inFlight
    await closed

    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ done: true })
    expect(events).toEqual(['request finished', 'bus closed', 'database closed', 'app closed'])
    await expect(fetch(`${address}/healthz`)).rejects.toThrow()
  })

  it('waits for a handler whose client hung up before closing what it uses', async () => {
    const events: string[] = []
    const app = buildService({ name: 'test', logger: false })
    await app.register(dependency('database', { close: async () => void events.push('database closed') }))
    app.get('/slow', async () => {
      await sleep(300)
      events.push('handler finished')
      return { done: true }
    })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const controller = new AbortController()
    const request = fetch(`${address}/slow`, { signal: controller.signal }).catch(() => 'aborted')
    await sleep(50)
    controller.abort()
    expect(await request).toBe('aborted')
    await app.close()
    expect(events).toEqual(['handler finished', 'database closed'])
  })

  it('keeps closing the rest when one dependency fails to close', async () => {
    const closed: string[] = []
    const app = buildService({ name: 'test', logger: false })
    await app.register(dependency('database', { close: async () => void closed.push('database') }))
    await app.register(dependency('bus', { close: () => Promise.reject(new Error('already gone')) }))
    await app.close()
    expect(closed).toEqual(['database'])
  })
})
