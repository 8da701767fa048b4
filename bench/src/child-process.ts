import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { ServiceName } from '@ticketing/common'
import { freePort } from '@ticketing/stack'

export interface ChildServer {
  url: string
  stop(): Promise<void>
}

/**
 * Runs a TypeScript server script in its own process, so the load generator in this process does not share
 * its event loop. The script reports its port with process.send({ port }).
 */
export async function startChildServer(
  script: string,
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const child: ChildProcess = fork(script, {
    execArgv: ['--conditions=@ticketing/source', '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`${script} exited with ${String(code)}`))),
  ])) as [{ port: number }]
  return {
    url: `http://127.0.0.1:${message.port}`,
    async stop() {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

const READY_TIMEOUT_MS = 60_000

/**
 * Runs a real service (services/<name>/src/main.ts: migrations, relay, listeners and all) in its own process
 * and resolves once GET /readyz answers 200: database migrated, bus connected, revocation list replayed. Its
 * log lines go to this process's stderr, so they stay out of the results table on stdout.
 */
export async function startService(name: ServiceName, env: Record<string, string>): Promise<ChildServer> {
  const main = fileURLToPath(new URL(`../../services/${name}/src/main.ts`, import.meta.url))
  // main.ts takes PORT from the environment and reports nothing back: pick a free one for it.
  const port = await freePort()
  const child = fork(main, {
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
    if (!running) throw new Error(`${name} service exited with ${String(child.exitCode)} before it was ready`)
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false, // not listening yet
    )
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGTERM')
      await exited
      throw new Error(`${name} service not ready within ${READY_TIMEOUT_MS / 1000} s`)
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
