import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { ESLint, type Linter } from 'eslint'
import { beforeAll, expect, test } from 'vitest'

// The repository's own eslint.config.js, so what is tested is what `npm run lint` enforces. Code is linted as
// the text of an existing file, which typescript-eslint's project service knows.
const repoRoot = path.resolve(import.meta.dirname, '../../..')
const eslint = new ESLint({ cwd: repoRoot })

const ordersApp = 'services/orders/src/app.ts'
const commonIndex = 'packages/common/src/index.ts'
const gatewayApp = 'apps/gateway/src/app.ts'

// The first lint of a TypeScript file builds the program (seconds), which is the hooks' longer timeout's job.
beforeAll(async () => {
  await eslint.lintText('', { filePath: path.join(repoRoot, ordersApp) })
})

/** The `boundaries/imports` messages for `code` linted as the file at `file` (relative to the root). */
async function boundaryMessages(file: string, code: string): Promise<string[]> {
  const results: ESLint.LintResult[] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) })
  return results
    .flatMap((result) => result.messages)
    .filter((message: Linter.LintMessage) => message.ruleId === 'boundaries/imports')
    .map((message) => message.message)
}

const onDisk = (file: string) => readFile(path.join(repoRoot, file), 'utf8')

const serviceToService =
  'services/orders may not import services/tickets: services talk through events (see docs/architecture.md)'

test('a service importing another service’s file by relative path is reported', async () => {
  const code = `
import { getTicket } from '../../tickets/src/tickets/ticket.service.js'
export const readTicket = getTicket
`
  expect(await boundaryMessages(ordersApp, code)).toEqual([serviceToService])
})

test('a service importing another service by its package name is reported, whichever way it imports it', async () => {
  const code = `
import { createRequire } from 'node:module'
import type { AppDependencies } from '@ticketing/tickets'
export type { AppDependencies as TicketsDependencies } from '@ticketing/tickets'
export const loadTickets = () => import('@ticketing/tickets')
export type TicketsModule = typeof import('@ticketing/tickets')
const require = createRequire(import.meta.url)
export const ticketsAgain = require('@ticketing/tickets') as TicketsModule
export const dependencies: AppDependencies | undefined = undefined
`
  expect(await boundaryMessages(ordersApp, code)).toEqual(Array(5).fill(serviceToService))
})

test('a service may import the shared packages, npm packages and its own files', async () => {
  const code = `
import { buildService } from '@ticketing/common'
import { createTestDatabase } from '@ticketing/testing'
import { Kysely } from 'kysely'
import { buildApp } from './app.js'
export const parts = [buildService, createTestDatabase, Kysely, buildApp]
`
  expect(await boundaryMessages('services/orders/src/main.ts', code)).toEqual([])
})

test('a service importing the launcher is reported', async () => {
  const code = `
import { freePort } from '@ticketing/stack'
export const port = await freePort()
`
  expect(await boundaryMessages(ordersApp, code)).toEqual([
    'services/orders may not import tools/stack: a service builds on @ticketing/common, @ticketing/testing and npm packages only',
  ])
})

test('the shared package importing a service or the launcher is reported', async () => {
  const code = `
import { buildApp } from '../../../services/orders/src/app.js'
import { freePort } from '@ticketing/stack'
export const parts = [buildApp, freePort]
`
  const because = '@ticketing/common is what every workspace builds on: it imports npm packages only'
  expect(await boundaryMessages(commonIndex, code)).toEqual([
    `packages/common may not import services/orders: ${because}`,
    `packages/common may not import tools/stack: ${because}`,
  ])
})

test('the shared package may use the test kit in its tests only', async () => {
  const code = `
import { createTestDatabase } from '@ticketing/testing'
export const testDb = createTestDatabase
`
  expect(await boundaryMessages(commonIndex, code)).toEqual([
    'packages/common may not import packages/testing: only its tests (packages/common/test) may use the test kit, which is built on it',
  ])
  expect(await boundaryMessages('packages/common/test/events/helpers.ts', code)).toEqual([])
})

test('the gateway importing a service is reported', async () => {
  const code = `
export const startAuth = async () => (await import('../../../services/auth/src/app.js')).buildApp
`
  expect(await boundaryMessages(gatewayApp, code)).toEqual([
    'apps/gateway may not import services/auth: apps reach services over HTTP (see docs/architecture.md)',
  ])
})

test('the files as they are in the repository keep to the boundaries', async () => {
  for (const file of [ordersApp, commonIndex, gatewayApp]) {
    expect(await boundaryMessages(file, await onDisk(file)), file).toEqual([])
  }
})

test('an integration test may import services, since it wires them together in one process', async () => {
  const code = `
import { buildApp as buildOrders } from '../../../services/orders/src/app.js'
import { buildApp as buildTickets } from '@ticketing/tickets'
export const apps = [buildOrders, buildTickets]
`
  expect(await boundaryMessages('tests/integration/test/harness.ts', code)).toEqual([])
})
