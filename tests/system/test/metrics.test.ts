import { serviceNames } from '@ticketing/common'
import { afterAll, expect, test, vi } from 'vitest'
import { startTestStack, type TestStack } from '../src/test-stack.js'

let stack: TestStack | undefined

afterAll(async () => {
  await stack?.cleanup()
}, 60_000)

/** The names every service's metrics port declares (each `# TYPE` line), as `curl …/metrics` shows them. */
async function metricNames(port: number): Promise<Set<string>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`)
  expect(response.status).toBe(200)
  const text = await response.text()
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name!))
}

test('each running service serves its metrics on its own METRICS_PORT, which the gateway does not route', async () => {
  stack = await startTestStack()
  const seller = await stack.signUp()
  await seller.post('/api/tickets', { title: 'Counted', price: 12 })

  for (const service of serviceNames) {
    const names = await metricNames(stack.metricsPorts[service])
    for (const name of [
      'http_request_duration_seconds',
      'events_handler_outcomes_total',
      'process_cpu_seconds_total',
    ]) {
      expect(names.has(name), `${service} serves ${name}`).toBe(true)
    }
  }
  expect((await metricNames(stack.metricsPorts.orders)).has('orders_holds_created_total')).toBe(true)
  expect((await metricNames(stack.metricsPorts.payments)).has('payments_outcomes_total')).toBe(true)
  expect((await metricNames(stack.metricsPorts.tickets)).has('events_consumer_pending_messages')).toBe(true)
  expect((await metricNames(stack.metricsPorts.auth)).has('auth_revocation_list_entries')).toBe(true)

  // The sign-up went through the gateway to auth, and auth counted it under its route.
  await vi.waitFor(async () => {
    const text = await (await fetch(`http://127.0.0.1:${stack!.metricsPorts.auth}/metrics`)).text()
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/users\/signup"[^}]*status_code="201"/,
    )
  })
  // Not on the API's ports, and not through the gateway.
  expect((await fetch(`http://127.0.0.1:${stack.ports.orders}/metrics`)).status).toBe(404)
  expect((await fetch(`${stack.url}/api/metrics`)).status).toBe(404)
})
