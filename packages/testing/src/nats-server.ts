import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { freePort, waitForPort } from './ports.js'

/** A nats-server of the test's own, for tests that stop and restart the bus under a running service. */
export interface PrivateNatsServer {
  url: string
  stop(): Promise<void>
  /** Starts it again on the same port and storage, as a restarted server comes back. */
  start(): Promise<void>
  /** Stops it and deletes its storage. */
  remove(): Promise<void>
}

function natsServerBinary(): string {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN
  return (
    ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(existsSync) ??
    'nats-server'
  )
}

export interface NatsServerOptions {
  /** More of the server's configuration file: an `authorization { ... }` block, say. */
  config?: string
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<PrivateNatsServer> {
  const port = await freePort()
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'ticketing-nats-'))
  let child: ChildProcess | undefined
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir]
  if (options.config) {
    const file = path.join(storeDir, 'nats.conf')
    await writeFile(file, options.config, { mode: 0o600 })
    args.push('-c', file)
  }

  const start = async () => {
    child = spawn(natsServerBinary(), args, {
      stdio: 'ignore',
    })
    await waitForPort(port, child, 'nats-server')
  }
  const stop = async () => {
    if (!child || child.exitCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
  }
  await start()
  return {
    url: `nats://127.0.0.1:${port}`,
    start,
    stop,
    async remove() {
      await stop()
      await rm(storeDir, { recursive: true, force: true })
    },
  }
}
