import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import os from 'node:os'
import path from 'node:path'
import { freePort, waitForPort } from './ports.js'

/** A redis-server of the test's own, for tests that flush or restart Redis under a running service. */
export interface PrivateRedisServer {
  url: string
  stop(): Promise<void>
  /** Starts it again on the same port and append-only file. */
  start(): Promise<void>
  /** Stops it and deletes its data. */
  remove(): Promise<void>
}

function redisServerBinary(): string {
  if (process.env.REDIS_SERVER_BIN) return process.env.REDIS_SERVER_BIN
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find(existsSync) ?? 'redis-server'
}

/** Starts a redis-server on a free port, with an append-only file in a temporary folder, as `npm start` runs it. */
export async function startRedisServer(): Promise<PrivateRedisServer> {
  const port = await freePort()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ticketing-redis-'))
  let child: ChildProcess | undefined

  const start = async () => {
    child = spawn(
      redisServerBinary(),
      ['--bind', '127.0.0.1', '--port', String(port), '--dir', dataDir, '--appendonly', 'yes', '--save', ''],
      { stdio: 'ignore' },
    )
    await waitForPort(port, child, 'redis-server')
  }
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    await exited
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async remove() {
      await stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
