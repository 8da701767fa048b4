import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'

/** A port nothing listens on right now, for a server of the test's own (bound at once by its child). */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as net.AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/** Waits until the child listens on the port, failing if it exits first or takes longer than `attempts` × 50 ms. */
export async function waitForPort(
  port: number,
  child: ChildProcess,
  name: string,
  attempts = 200,
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.end()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${name} did not listen on ${port}`)
}
