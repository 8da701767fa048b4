import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'

const common = fileURLToPath(new URL('../../src/index.ts', import.meta.url))

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** A process whose main is runService over an app built by buildService, with the given environment. */
function service(env: Record<string, string>) {
  const script = `
    const { buildService, runService } = await import(${JSON.stringify(common)})
    runService(async () => {
      const app = buildService({ name: 'tickets', logger: false })
      app.get('/api/tickets', async () => [])
      await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
      console.log('listening')
      return app
    }, { shutdownDelayMs: 5000 })`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return { child, output: () => output }
}

describe('runService and METRICS_PORT', () => {
  it('serves the metrics on METRICS_PORT, not on the API port, and closes both on SIGTERM', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()]
    const { child, output } = service({
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
    })
    try {
      await vi.waitFor(() => expect(output()).toContain('listening'), { timeout: 20_000, interval: 100 })
      await fetch(`http://127.0.0.1:${port}/api/tickets`)
      const metrics = await vi.waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
          expect(response.status).toBe(200)
          return response.text()
        },
        { timeout: 10_000, interval: 100 },
      )
      const counted = metrics
        .split('\n')
        .find((line) => line.startsWith('http_request_duration_seconds_count{'))
      expect(counted).toMatch(/method="GET",route="\/api\/tickets",status_code="200"/)
      expect(counted).toContain('service="tickets"')
      expect(counted).toMatch(/ 1$/)
      expect(metrics).toContain('process_cpu_seconds_total')
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404)
      expect((await fetch(`http://127.0.0.1:${metricsPort}/api/tickets`)).status).toBe(404)
    } finally {
      child.kill('SIGTERM')
    }
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
  })

  it('refuses to start with a METRICS_PORT that is not a port', async () => {
    const { child, output } = service({ PORT: '0', METRICS_PORT: 'nine' })
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(1)
    expect(output()).toContain('METRICS_PORT')
    expect(output()).not.toContain('listening')
  })
})
