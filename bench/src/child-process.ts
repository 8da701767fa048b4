import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

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
