import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ServiceInstance } from '@ticketing/common'
import { expirationEnvironment, type ExpirationEnvironment } from './helpers.js'

describe('health', () => {
  let env: ExpirationEnvironment
  let app: ServiceInstance
  beforeAll(async () => {
    env = await expirationEnvironment()
    app = await env.start()
  })
  afterAll(() => env.cleanup())

  it('/healthz answers 200 at once; /readyz 200 once Redis, NATS and its consumers are in place', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    expect(health.statusCode).toBe(200)
    await vi.waitFor(async () => {
      const ready = await app.inject({ method: 'GET', url: '/readyz' })
      expect(ready.statusCode).toBe(200)
      expect(ready.json()).toEqual({ status: 'ready' })
    })
  })
})
