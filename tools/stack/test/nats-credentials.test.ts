import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  busPasswordVariable,
  connectBus,
  ensureTopology,
  newEvent,
  publishEvent,
  serviceNames,
  type Bus,
} from '@ticketing/common'
import { startNatsServer } from '@ticketing/testing'
import {
  FileOutput,
  findOrStartNats,
  freePort,
  KUBERNETES_AUTH_FILE,
  kubernetesNatsAuthorization,
  privateNatsAuthorization,
  repositoryRoot,
  type NatsUsers,
} from '../src/index.js'

const run = promisify(execFile)

const ticket = () =>
  newEvent(
    'ticket.created',
    {
      id: randomUUID(),
      version: 0,
      title: 'Concert',
      price: 1999,
      currency: 'USD',
      userId: randomUUID(),
    },
    '/orders',
  )
const order = () =>
  newEvent(
    'order.created',
    {
      id: randomUUID(),
      version: 0,
      status: 'created',
      userId: randomUUID(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      ticket: { id: randomUUID(), version: 0, price: 1999, currency: 'USD' },
    },
    '/orders',
  )

describe("the launcher's private NATS", () => {
  let dataDir = ''
  let port = 0
  let output: FileOutput
  const started: { stop(): Promise<void> }[] = []
  const buses: Bus[] = []
  let users: NatsUsers

  const start = (env: NodeJS.ProcessEnv = {}) =>
    findOrStartNats(
      port,
      env,
      { dataDir, output, natsAuthorization: privateNatsAuthorization('ticketing') },
      started,
    )
  const connectAs = async (name: string) => {
    const bus = await connectBus({
      url: `nats://127.0.0.1:${port}`,
      namespace: 'ticketing',
      service: 'orders',
      user: users[name]!.user,
      password: users[name]!.password,
    })
    buses.push(bus)
    return bus
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'ticketing-nats-users-'))
    port = await freePort()
    output = new FileOutput(path.join(dataDir, 'stack.log'))
    const found = await start()
    users = found.natsUsers!
  })
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()))
    for (const server of started.reverse()) await server.stop()
    await output?.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('is started with a user per service and an admin, with passwords kept as development defaults', async () => {
    expect(Object.keys(users).sort()).toEqual([...serviceNames, 'admin'].sort())
    const kept = JSON.parse(await readFile(path.join(dataDir, 'nats', 'users.json'), 'utf8')) as {
      comment: string
      passwords: Record<string, string>
    }
    expect(kept.comment).toMatch(/development defaults/i)
    expect(kept.passwords.orders).toBe(users.orders!.password)
    await expect(
      connectBus({ url: `nats://127.0.0.1:${port}`, namespace: 'ticketing', service: 'orders' }),
    ).rejects.toThrow(/auth/i)
  })

  it('lets orders publish its own events while refusing it ticket.* subjects', async () => {
    const orders = await connectAs('orders')
    await ensureTopology(orders)
    await publishEvent(orders, order())
    await expect(publishEvent(orders, ticket(), { timeout: 2_000 })).rejects.toThrow(/permission/i)
    // The server says so in its log, which the launcher shows.
    await expect
      .poll(() => readFile(path.join(dataDir, 'stack.log'), 'utf8'), { timeout: 5_000 })
      .toMatch(/publish violation.*orders.*ticketing\.ticket\.created/i)
    // The admin (tools, tests) may publish anything.
    const admin = await connectAs('admin')
    await publishEvent(admin, ticket())
  })

  it('is found again, with the same users, by a later start while it runs', async () => {
    const again = await start()
    expect(again.natsUsers).toEqual(users)
    expect(output.notices).toContain(
      `NATS: using the private server on ${port}, started earlier, with its users`,
    )
  })

  it('is used as the administrator by a run that asks for no users (the tests’ global setup)', async () => {
    const quiet = new FileOutput(path.join(dataDir, 'tests.log'))
    const found = await findOrStartNats(port, {}, { dataDir, output: quiet }, started)
    await quiet.close()
    expect(found.natsUsers).toBeUndefined()
    const bus = await connectBus({ url: found.natsUrl, namespace: 'ticketing', service: 'orders' })
    buses.push(bus)
    await publishEvent(bus, ticket())
  })

  it('keeps its passwords across restarts', async () => {
    for (const server of started.splice(0).reverse()) await server.stop()
    const again = await start()
    expect(again.natsUsers).toEqual(users)
    const orders = await connectAs('orders')
    await publishEvent(orders, order())
  })

  it('uses a server without credentials on the port as it is, and says so', async () => {
    const shared = await startNatsServer()
    try {
      const shown = new FileOutput(path.join(dataDir, 'other.log'))
      const { port: sharedPort } = new URL(shared.url)
      const found = await findOrStartNats(
        Number(sharedPort),
        {},
        { dataDir, output: shown, natsAuthorization: privateNatsAuthorization('ticketing') },
        started,
      )
      await shown.close()
      expect(found.natsUsers).toBeUndefined()
      expect(shown.notices).toEqual([
        `NATS: using the server on 127.0.0.1:${sharedPort} as it is, without credentials (it requires none)`,
      ])
    } finally {
      await shared.remove()
    }
  })
})

describe("the Kubernetes NATS's users", () => {
  it('are the generator’s output (npm run nats-auth)', async () => {
    const committed = await readFile(path.join(repositoryRoot, KUBERNETES_AUTH_FILE), 'utf8')
    expect(committed).toBe(kubernetesNatsAuthorization())
  })

  it('are a configuration nats-server accepts, with each password from its variable', async () => {
    const env = Object.fromEntries(serviceNames.map((service) => [busPasswordVariable(service), 'secret']))
    const binary =
      ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find(existsSync) ??
      'nats-server'
    const { stdout, stderr } = await run(
      binary,
      ['-c', path.join(repositoryRoot, KUBERNETES_AUTH_FILE), '-t'],
      {
        env: { ...process.env, ...env },
      },
    )
    expect(`${stdout}${stderr}`).toMatch(/configuration file .* (is valid|test is successful)/i)
  })
})
