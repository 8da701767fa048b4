import Type, { type Static } from 'typebox'
import {
  commonEnv,
  loadConfig,
  serviceNames,
  services,
  webParts,
  type ServiceName,
} from '@ticketing/common/setup'

/** An http(s) address, or several comma-separated (one per instance: REPLICAS=N npm start). */
const ADDRESSES = '^\\s*https?://[^,\\s]+(\\s*,\\s*https?://[^,\\s]+)*\\s*$'

/**
 * Where a part answers on this machine, from the table of parts in @ticketing/common: its address, or the
 * addresses of its instances, comma-separated, which the gateway balances across (upstreams.ts).
 */
const local = (port: number) => Type.String({ pattern: ADDRESSES, default: `http://127.0.0.1:${port}` })

export const configSchema = Type.Object({
  ...commonEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: webParts.gateway.port }),
  AUTH_URL: local(services.auth.port),
  TICKETS_URL: local(services.tickets.port),
  ORDERS_URL: local(services.orders.port),
  PAYMENTS_URL: local(services.payments.port),
  /** The Next.js client, which serves every path that is not an API's. */
  CLIENT_URL: local(webParts.client.port),
  /**
   * The proxies in front of the gateway whose X-Forwarded-For (and -Host, -Proto) to believe: addresses or
   * CIDR ranges, or proxy-addr's names (`loopback`, `uniquelocal`), comma-separated.
   * Empty (the default): none, so the client's address is the socket's and a client cannot choose it.
   * `true` is refused: trusting every sender is trusting the client.
   */
  TRUST_PROXY: Type.String({ default: '', pattern: '^(?!\\s*true\\s*$)' }),
})

export type Config = Static<typeof configSchema>

export const readConfig = (env?: Record<string, string | undefined>): Config => loadConfig(configSchema, env)

/** TRUST_PROXY as Fastify's `trustProxy`: false, or the list of trusted addresses. */
export function trustedProxies(config: Config): false | string {
  const value = config.TRUST_PROXY.trim()
  return value === '' ? false : value
}

/**
 * The ingress's rules (DESIGN §2): each service's API paths, from the table of services, to that service;
 * everything else to the client.
 */
export function routesOf(config: Config): { prefix: string; upstreams: string[] }[] {
  const upstreams: Record<ServiceName, string | undefined> = {
    auth: config.AUTH_URL,
    tickets: config.TICKETS_URL,
    orders: config.ORDERS_URL,
    payments: config.PAYMENTS_URL,
    expiration: undefined, // no HTTP API
  }
  const apis = serviceNames.flatMap((name) =>
    services[name].routes.map((prefix) => ({ prefix, upstreams: addresses(upstreams[name]!) })),
  )
  return [...apis, { prefix: '/', upstreams: addresses(config.CLIENT_URL) }]
}

/** A comma-separated list of addresses, each as its origin (`http://host:port`), duplicates dropped. */
export function addresses(list: string): string[] {
  return [...new Set(list.split(',').map((url) => new URL(url.trim()).origin))]
}
