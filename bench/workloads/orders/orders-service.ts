import { fork } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import type { ChildServer } from '../../src/child-process.js'

const MAIN = fileURLToPath(new URL('../../../services/orders/src/main.ts', import.meta.url))
const READY_TIMEOUT_MS = 60_000

/** A port nobody listens on right now; main.ts takes PORT from the environment and reports nothing back. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/**
 * Runs the real orders service (services/orders/src/main.ts: migrations, relay, listeners, sweeper) in its
 * own process and resolves once GET /readyz answers 200, which is after it has migrated its database. Its
 * log lines go to this process's stderr, so they stay out of the results table on stdout.
 */
export async function startOrdersService(env: Record<string, string>): Promise<ChildServer> {
  const port = await freePort()
  const child = fork(MAIN, {
    execArgv: ['--conditions=@ticketing/source', '--import', 'tsx'],
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  })
  child.stdout!.pipe(process.stderr)
  let running = true
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running = false
      resolve()
    }),
  )
  const url = `http://127.0.0.1:${port}`

  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (!running) throw new Error(`orders service exited with ${String(child.exitCode)} before it was ready`)
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false, // not listening yet
    )
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGTERM')
      await exited
      throw new Error(`orders service not ready within ${READY_TIMEOUT_MS / 1000} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  return {
    url,
    async stop() {
      if (running) child.kill('SIGTERM')
      await exited
    },
  }
}
