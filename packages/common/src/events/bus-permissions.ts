import { serviceNames, services, type ServiceName } from '../services.js'
import { consumerName, eventTypes, streamOf, streams, streamsReadBy, type StreamKey } from './contracts.js'

/**
 * What one service's NATS user may do (DESIGN §6, "between services"), derived from the event contracts so
 * that it cannot drift from them. Decision 0017 explains each line.
 */
export interface BusPermissions {
  /** Subjects the user may publish to: its own event subjects, and the JetStream API it uses. */
  publish: string[]
  /** Subjects it may subscribe to: replies and pulled messages come to its inbox. */
  subscribe: string[]
}

/** The name of each service's NATS user: the service's own name. */
export const busUserName = (service: ServiceName) => service

/** `<NS>_ORDERS`, as Bus.streamName spells it. */
const streamName = (namespace: string, key: StreamKey) => `${namespace.toUpperCase()}_${key}`

/**
 * The streams a service follows from a point in time with ordered consumers of its own (ReplaySubscriber):
 * every service that serves requests keeps a revocation list from auth's stream (DESIGN §6).
 */
function streamsReplayedBy(service: ServiceName): StreamKey[] {
  return services[service].routes.length > 0 ? [streamOf('session.revoked')] : []
}

/**
 * The permissions of a service's user on the bus, in a namespace:
 *
 * - publish its own events: exactly the subjects of the event types whose stream it publishes (contracts.ts);
 * - the JetStream API, only on the namespace's streams: account info (asked when a connection's manager is
 *   made); stream info, create, update and delete, and consumer create, update, info, list and delete, on every
 *   stream, because every service makes the whole namespace's topology exist at start and after a loss
 *   (ensureTopology, DESIGN §4: it recreates a stream made with an old retention and removes undeclared
 *   consumers). Not purge, message delete, snapshot or restore, and nothing outside the namespace;
 * - pull the next messages only from its own durable consumers, and from the ordered consumers it makes on
 *   auth's stream for revocations;
 * - acknowledge messages of its own durable consumers;
 * - receive on `_INBOX.>` (replies to the API and publishes, pulled messages).
 */
export function busPermissions(service: ServiceName, namespace: string): BusPermissions {
  const all = Object.keys(streams) as StreamKey[]
  const own = eventTypes.filter((type) => streams[streamOf(type)].publisher === service)
  const read = streamsReadBy(service)
  const replayed = streamsReplayedBy(service)
  const api = '$JS.API'
  return {
    publish: [
      ...own.map((type) => `${namespace}.${type}`),
      `${api}.INFO`,
      ...all.flatMap((key) => {
        const stream = streamName(namespace, key)
        return [
          `${api}.STREAM.INFO.${stream}`,
          `${api}.STREAM.CREATE.${stream}`,
          `${api}.STREAM.UPDATE.${stream}`,
          // ensureTopology recreates a stream made with another retention, whoever publishes to it.
          `${api}.STREAM.DELETE.${stream}`,
          `${api}.CONSUMER.CREATE.${stream}.>`,
          `${api}.CONSUMER.DURABLE.CREATE.${stream}.>`,
          `${api}.CONSUMER.INFO.${stream}.>`,
          `${api}.CONSUMER.DELETE.${stream}.>`,
          `${api}.CONSUMER.LIST.${stream}`,
          `${api}.CONSUMER.NAMES.${stream}`,
        ]
      }),
      ...read.map(
        (key) => `${api}.CONSUMER.MSG.NEXT.${streamName(namespace, key)}.${consumerName(service, key)}`,
      ),
      ...replayed.map((key) => `${api}.CONSUMER.MSG.NEXT.${streamName(namespace, key)}.*`),
      // Acknowledgements go to `$JS.ACK.<stream>.<consumer>.…`; ordered consumers take none.
      ...read.map((key) => `$JS.ACK.${streamName(namespace, key)}.${consumerName(service, key)}.>`),
    ],
    subscribe: ['_INBOX.>'],
  }
}

/** A NATS user with its password, or the name of the variable that holds it (`$ORDERS_NATS_PASSWORD`). */
export interface BusUser {
  user: string
  password: { value: string } | { variable: string }
  /** Absent: everything is allowed (the launcher's administrator, for tools and tests). */
  permissions?: BusPermissions
}

/** The variable that holds a service's password in the Kubernetes NATS's configuration: ORDERS_NATS_PASSWORD. */
export const busPasswordVariable = (service: ServiceName) => `${service.toUpperCase()}_NATS_PASSWORD`

/** Every service's user, with its password from a variable of the NATS server's environment. */
export function busUsersFromVariables(namespace: string): BusUser[] {
  return serviceNames.map((service) => ({
    user: busUserName(service),
    password: { variable: busPasswordVariable(service) },
    permissions: busPermissions(service, namespace),
  }))
}

const quote = (text: string) => JSON.stringify(text)

function list(items: string[], indent: string): string {
  return `[\n${items.map((item) => `${indent}  ${quote(item)}`).join(',\n')}\n${indent}]`
}

/**
 * The `authorization { users: [...] }` block of a nats-server configuration for these users. A password
 * given by variable is written as a reference (`$ORDERS_NATS_PASSWORD`), which nats-server resolves from its
 * environment.
 */
export function natsAuthorizationBlock(users: BusUser[]): string {
  const entries = users.map((entry) => {
    const password = 'value' in entry.password ? quote(entry.password.value) : `$${entry.password.variable}`
    const lines = [`    {`, `      user: ${quote(entry.user)}`, `      password: ${password}`]
    if (entry.permissions) {
      lines.push(
        `      permissions: {`,
        `        publish: { allow: ${list(entry.permissions.publish, '        ')} }`,
        `        subscribe: { allow: ${list(entry.permissions.subscribe, '        ')} }`,
        `      }`,
      )
    }
    lines.push(`    }`)
    return lines.join('\n')
  })
  return `authorization {\n  users: [\n${entries.join('\n')}\n  ]\n}\n`
}
