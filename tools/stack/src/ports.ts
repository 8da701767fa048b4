import { once } from 'node:events'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host })
    const done = (open: boolean) => {
      socket.destroy()
      resolve(open)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Whether this process could listen on the port (on every interface, as the services and client do). */
export async function canListen(port: number): Promise<boolean> {
  const server = net.createServer()
  try {
    server.listen(port)
    await once(server, 'listening')
    return true
  } catch {
    return false
  } finally {
    if (server.listening) {
      server.close()
      await once(server, 'close')
    }
  }
}

/** Where ports handed out are claimed, for every process on the machine. */
const CLAIMS = path.join(os.tmpdir(), 'ticketing-port-claims')
/** Long enough for the part it was chosen for to start listening (a client build included). */
const CLAIM_MS = 15 * 60_000

/**
 * A port nobody listens on right now, and that no other process of ours was handed in the last minutes. The
 * OS may give a port that was free a moment ago to another caller before the first one's server listens on it
 * (test stacks choose a dozen ports each, several at once): a claim file per port, made with O_EXCL, settles
 * who gets it.
 */
export async function freePort(): Promise<number> {
  await mkdir(CLAIMS, { recursive: true })
  for (;;) {
    const server = net.createServer().listen(0)
    await once(server, 'listening')
    const { port } = server.address() as net.AddressInfo
    server.close()
    await once(server, 'close')
    if (await claim(port)) return port
  }
}

async function claim(port: number): Promise<boolean> {
  const file = path.join(CLAIMS, String(port))
  try {
    await writeFile(file, String(process.pid), { flag: 'wx' })
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const claimed = await stat(file).catch(() => undefined)
    if (claimed && Date.now() - claimed.mtimeMs < CLAIM_MS) return false
    await rm(file, { force: true }) // an old claim: whoever made it listens by now, or never will
    return claim(port)
  }
}

export async function waitForPort(port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await isPortOpen(port))) {
    if (Date.now() > deadline) throw new Error(`${what} did not start listening on port ${port}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
