import net from 'node:net'
import pg from 'pg'

/**
 * Where the servers tests talk to are: given by URL, or on their default local ports. The run's global setup
 * (tools/stack/src/test-servers.ts) finds them, or starts private ones, and sets the URLs; read when asked,
 * so that a module imported before it still sees them.
 */
export const infrastructure = {
  get postgresUrl() {
    return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  },
  get natsUrl() {
    return process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
  },
  get redisUrl() {
    return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  },
}

/** Opens a TCP connection and reads the server's first words (NATS greets with INFO; Redis answers PING). */
function probe(url: string, defaultPort: number, greeting: string, send?: string): Promise<void> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || defaultPort) })
    socket.setTimeout(3_000, () => socket.destroy(new Error('no answer within 3 s')))
    socket.once('error', reject)
    socket.once('connect', () => send && socket.write(send))
    socket.once('data', (data) => {
      socket.end()
      if (data.toString().startsWith(greeting)) resolve()
      else reject(new Error(`unexpected greeting: ${data.toString().slice(0, 40)}`))
    })
  })
}

async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 })
  await client.connect()
  await client.end()
}

/**
 * Fails with one message naming every server that does not answer, and how to get it, rather than letting
 * a hundred tests time out one by one.
 */
export async function checkInfrastructure(): Promise<void> {
  const checks = [
    ['PostgreSQL', 'DATABASE_URL', infrastructure.postgresUrl, checkPostgres(infrastructure.postgresUrl)],
    ['NATS', 'NATS_URL', infrastructure.natsUrl, probe(infrastructure.natsUrl, 4222, 'INFO')],
    [
      'Redis',
      'REDIS_URL',
      infrastructure.redisUrl,
      probe(infrastructure.redisUrl, 6379, '+PONG', 'PING\r\n'),
    ],
  ] as const
  const results = await Promise.allSettled(checks.map(([, , , check]) => check))
  const missing = results.flatMap((result, index) => {
    if (result.status === 'fulfilled') return []
    const [name, variable, url] = checks[index]!
    return [`  ${name} at ${redact(url)} (${variable}): ${(result.reason as Error).message}`]
  })
  if (missing.length > 0) {
    throw new Error(
      `The tests need real servers that do not answer:\n${missing.join('\n')}\n` +
        'Start them, or point the variables at running ones.',
    )
  }
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}
