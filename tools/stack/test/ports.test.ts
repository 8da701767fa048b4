import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from 'vitest'
import { FileOutput, freePort, SetupError, startStack } from '../src/index.js'

test('a port already in use stops the start before anything runs, with a message naming it', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ticketing-ports-'))
  const squatter = net.createServer().listen(0)
  await once(squatter, 'listening')
  const taken = (squatter.address() as net.AddressInfo).port
  const output = new FileOutput(path.join(dataDir, 'stack.log'))
  try {
    const start = startStack({
      output,
      mode: 'source',
      dataDir,
      client: false,
      postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      natsUrl: 'nats://127.0.0.1:4222',
      redisUrl: 'redis://127.0.0.1:6379',
      ports: {
        gateway: await freePort(),
        auth: await freePort(),
        tickets: await freePort(),
        orders: taken,
        expiration: await freePort(),
        payments: await freePort(),
      },
    })
    await expect(start).rejects.toThrow(SetupError)
    await expect(start).rejects.toThrow(`Port ${taken}, for orders, is taken`)
  } finally {
    squatter.close()
    await output.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})
