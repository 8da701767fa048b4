import Type from 'typebox'

/**
 * The one table of the marketplace's parts: each service's local port, the API paths the gateway (and the
 * Kubernetes ingress) route to it, and its database. The launcher, the gateway's routes, the services'
 * default ports, the benchmarks and the system tests read it; the README shows it (a test keeps the two in
 * step).
 */
export const services = {
  // auth also serves /api/docs, the viewer of every service's OpenAPI document (decision 0014).
  auth: { port: 4001, routes: ['/api/users', '/api/docs'], database: 'ticketing_auth' },
  tickets: { port: 4002, routes: ['/api/tickets', '/api/events'], database: 'ticketing_tickets' },
  orders: { port: 4003, routes: ['/api/orders'], database: 'ticketing_orders' },
  // No HTTP API and no database: its timers live in Redis. It listens for its health routes only.
  expiration: { port: 4004, routes: [], database: null },
  payments: { port: 4005, routes: ['/api/payments'], database: 'ticketing_payments' },
} as const satisfies Record<string, { port: number; routes: readonly string[]; database: string | null }>

export type ServiceName = keyof typeof services

/** In the order the launcher starts them. */
export const serviceNames = Object.keys(services) as ServiceName[]

/** The parts that are not services: the gateway (what people visit, on PORT) and the web client behind it. */
export const webParts = {
  gateway: { port: 3000 },
  client: { port: 4000 },
} as const

/** A service's PORT variable, defaulting to its port in the table. */
export function portEnv(service: ServiceName) {
  return { PORT: Type.Integer({ minimum: 0, maximum: 65535, default: services[service].port }) }
}
