import {
  createDb,
  generateJwtKeyPair,
  loadJwtKeys,
  openApiDocuments,
  registeredRoutes,
  type Bus,
  type JwtKeys,
  type RegisteredRoute,
  type ServiceInstance,
  type ServiceName,
} from '@ticketing/common'
import { Redis } from 'ioredis'
// A tool may wire services together; the services themselves never import each other.
import { buildApp as buildAuth } from '../../../services/auth/src/app.js'
import { readConfig as readAuthConfig } from '../../../services/auth/src/config.js'
import { buildApp as buildOrders } from '../../../services/orders/src/app.js'
import { readConfig as readOrdersConfig } from '../../../services/orders/src/config.js'
import { buildApp as buildPayments } from '../../../services/payments/src/app.js'
import { readConfig as readPaymentsConfig } from '../../../services/payments/src/config.js'
import { SandboxGateway } from '../../../services/payments/src/gateways/sandbox-gateway.js'
import { buildApp as buildTickets } from '../../../services/tickets/src/app.js'
import { readConfig as readTicketsConfig } from '../../../services/tickets/src/config.js'

/** An OpenAPI document as JSON: what `app.swagger()` returns and what is committed under docs/openapi. */
export type OpenApiDocument = {
  openapi: string
  paths: Record<string, Record<string, OpenApiOperation>>
} & Record<string, unknown>

export interface OpenApiOperation {
  responses: Record<string, { description: string; content?: Record<string, { examples?: object }> }>
  [key: string]: unknown
}

/** A database nobody connects to: building an app opens no connection, and no route is called here. */
const NO_DATABASE = 'postgres://openapi@127.0.0.1:1/none'

/**
 * A bus that was never connected. Building an app starts its revocation list's replay, which asks the bus for
 * its stream, is refused and waits to try again until the app closes; nothing else touches the bus before a
 * request or a worker does, and neither happens here.
 */
function unconnectedBus(service: ServiceName): Bus {
  const refuse = () => Promise.reject(new Error('no bus: the app was built only to describe its routes'))
  return {
    namespace: 'openapi',
    service,
    replicas: 1,
    subject: (type: string) => `openapi.${type}`,
    streamName: (stream: string) => `OPENAPI_${stream}`,
    jsm: { streams: { info: refuse } },
    close: async () => undefined,
  } as unknown as Bus
}

/** A Redis nobody connects to (lazyConnect): the rate limiters define their scripts on it and never run them. */
const unconnectedRedis = () =>
  new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false })

/** How to build each service with an API without its servers; one missing here fails loudly below. */
const builders: Partial<Record<ServiceName, (common: OfflineDependencies) => Promise<ServiceInstance>>> = {
  auth: ({ env, ...common }) =>
    buildAuth({
      ...common,
      config: readAuthConfig(env),
      db: createDb(NO_DATABASE),
      redis: unconnectedRedis(),
    }),
  tickets: ({ env, ...common }) =>
    buildTickets({ ...common, config: readTicketsConfig(env), db: createDb(NO_DATABASE) }),
  orders: ({ env, ...common }) =>
    buildOrders({
      ...common,
      config: readOrdersConfig(env),
      db: createDb(NO_DATABASE),
      redis: unconnectedRedis(),
    }),
  payments: ({ env, ...common }) => {
    const db = createDb<never>(NO_DATABASE)
    return buildPayments({ ...common, config: readPaymentsConfig(env), db, gateway: new SandboxGateway(db) })
  },
}

interface OfflineDependencies {
  env: Record<string, string>
  keys: JwtKeys
  bus: Bus
  logger: false
}

/**
 * Builds one service's app as its tests do (`buildApp`), without PostgreSQL or NATS: the document and the
 * route list come from the route schemas alone. Configuration is the defaults, so the output does not depend
 * on this machine's environment.
 */
async function buildOffline(service: ServiceName): Promise<ServiceInstance> {
  const build = builders[service]
  if (!build) throw new Error(`${service} has an API but no builder in tools/openapi/src/documents.ts`)
  const { privateJwk } = await generateJwtKeyPair()
  const privateKey = JSON.stringify(privateJwk)
  const env = { DATABASE_URL: NO_DATABASE, EVENTS_NAMESPACE: 'openapi', JWT_PRIVATE_KEY: privateKey }
  const keys = await loadJwtKeys({ privateKey })
  return build({ env, keys, bus: unconnectedBus(service), logger: false })
}

export interface ServiceDescription {
  service: ServiceName
  /** Where the gateway serves it: `/api/users/openapi.json`. */
  path: string
  document: OpenApiDocument
  /** Every route the app registered, for the check that the document leaves none out. */
  routes: readonly RegisteredRoute[]
}

/** Each service with an API (the table of parts), built in-process: its document as it serves it, and its routes. */
export async function describeServices(): Promise<ServiceDescription[]> {
  const descriptions: ServiceDescription[] = []
  for (const { service, path } of openApiDocuments()) {
    const app = await buildOffline(service)
    try {
      await app.ready()
      const response = await app.inject({ url: path })
      if (response.statusCode !== 200)
        throw new Error(`${service}: GET ${path} answered ${response.statusCode}`)
      descriptions.push({
        service,
        path,
        document: response.json<OpenApiDocument>(),
        routes: [...registeredRoutes(app)],
      })
    } finally {
      await app.close()
    }
  }
  return descriptions
}
