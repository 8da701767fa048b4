import Type, { type Static } from 'typebox'
import { commonEnv, loadConfig } from '@ticketing/common'

export const configSchema = Type.Object({
  ...commonEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  AUTH_URL: Type.String({ format: 'uri', default: 'http://127.0.0.1:4001' }),
  TICKETS_URL: Type.String({ format: 'uri', default: 'http://127.0.0.1:4002' }),
  ORDERS_URL: Type.String({ format: 'uri', default: 'http://127.0.0.1:4003' }),
  PAYMENTS_URL: Type.String({ format: 'uri', default: 'http://127.0.0.1:4005' }),
  /** The Next.js client, which serves every path that is not an API's. */
  CLIENT_URL: Type.String({ format: 'uri', default: 'http://127.0.0.1:4000' }),
})

export type Config = Static<typeof configSchema>

export const readConfig = (env?: Record<string, string | undefined>): Config => loadConfig(configSchema, env)

/** The ingress's rules (deploy/ and DESIGN §2): an API prefix to its service, everything else to the client. */
export function routesOf(config: Config): { prefix: string; upstream: string }[] {
  return [
    { prefix: '/api/users', upstream: config.AUTH_URL },
    { prefix: '/api/tickets', upstream: config.TICKETS_URL },
    { prefix: '/api/orders', upstream: config.ORDERS_URL },
    { prefix: '/api/payments', upstream: config.PAYMENTS_URL },
    { prefix: '/', upstream: config.CLIENT_URL },
  ]
}
