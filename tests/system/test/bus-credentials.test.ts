import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { FileOutput, findOrStartNats, freePort, privateNatsAuthorization } from '@ticketing/stack'
import { testNamespace } from '@ticketing/testing'
import { eventually, startTestStack, type TestStack } from '../src/test-stack.js'

// The whole marketplace on a NATS started the way `npm start` starts its private one: every service connects
// as its own user, allowed only its own subjects and the JetStream API it needs (DESIGN §6). A purchase makes
// events cross every service's permissions: order.created to tickets, payments and expiration, the
// reservation's answer and payment.created back to orders, order.completed to the three.

let stack: TestStack | undefined
let dataDir = ''
let natsOutput: FileOutput | undefined
const servers: { stop(): Promise<void> }[] = []

beforeAll(async () => {
  const namespace = testNamespace()
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ticketing-bus-credentials-'))
  const output = (natsOutput = new FileOutput(path.join(dataDir, 'nats.log')))
  const port = await freePort()
  const nats = await findOrStartNats(
    port,
    {},
    { dataDir, output, natsAuthorization: privateNatsAuthorization(namespace) },
    servers,
  )
  stack = await startTestStack({ namespace, nats: { url: nats.natsUrl, users: nats.natsUsers } })
}, 180_000)

afterAll(async () => {
  await stack?.cleanup()
  for (const server of servers.reverse()) await server.stop()
  await natsOutput?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}, 60_000)

test('a purchase completes with every service on its own NATS user, and nothing is refused', async () => {
  const seller = await stack!.signUp()
  const buyer = await stack!.signUp()
  const listed = await seller.post<{ id: string }>('/api/tickets', { title: 'Under credentials', price: 30 })
  expect(listed.status).toBe(201)
  const order = await eventually(
    async () => {
      const response = await buyer.post<{ id: string }>('/api/orders', { ticketId: listed.body.id })
      return response.status === 404 ? undefined : response
    },
    { what: 'the ticket reaching orders' },
  )
  expect(order.status).toBe(201)
  const payment = await eventually(
    async () => {
      const response = await buyer.post('/api/payments', { orderId: order.body.id, token: 'tok_visa' })
      return response.status === 404 ? undefined : response
    },
    { what: 'the order reaching payments' },
  )
  expect(payment.status).toBe(201)
  await eventually(
    async () => {
      const current = await buyer.get<{ status: string }>(`/api/orders/${order.body.id}`)
      return current.body.status === 'complete' ? current : undefined
    },
    { what: 'the order complete', timeoutMs: 20_000 },
  )
  await eventually(
    async () => {
      const ticket = await stack!
        .visitor()
        .get<{ status?: string; orderId?: string }>(`/api/tickets/${listed.body.id}`)
      return ticket.body.orderId === order.body.id ? ticket : undefined
    },
    { what: 'the ticket sold' },
  )
  // Neither the services nor the server saw anything refused.
  const logs =
    (await readFile(stack!.logFile, 'utf8')) + (await readFile(path.join(dataDir, 'nats.log'), 'utf8'))
  expect(logs).not.toMatch(/violation|authorization error/i)
}, 90_000)
