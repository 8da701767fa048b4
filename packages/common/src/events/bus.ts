import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { dependency } from '../http/dependencies.js'
import type { ServiceName } from '../services.js'
import type { EventType, StreamKey } from './contracts.js'
import type { CloudEvent } from './envelope.js'

/** A service's connection to the event bus, scoped to one events namespace. */
export interface Bus {
  readonly connection: NatsConnection
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  readonly namespace: string
  readonly service: ServiceName
  /** How many copies of each stream the cluster keeps (EVENTS_REPLICAS): the least a start asks for. */
  readonly replicas: number
  /** `<ns>.order.created` */
  subject(type: EventType): string
  /** `<NS>_ORDERS` */
  streamName(stream: StreamKey): string
  close(): Promise<void>
}

export interface BusOptions {
  /** NATS_URL. Credentials in it (`nats://user:password@host:4222`, as NATS's own tools take) are used too. */
  url: string
  /** NATS_USER and NATS_PASSWORD: the service's own user (DESIGN §6). Without them, no credentials are sent. */
  user?: string
  password?: string
  namespace: string
  service: ServiceName
  /** EVENTS_REPLICAS; 1 unless told. */
  replicas?: number
}

/**
 * Connects to NATS, reconnecting forever: while the server is away publishes fail (the outbox keeps the
 * events) and consumers wait; both resume when it returns.
 */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const { server, user, password } = busServer(options)
  const connection = await connect({
    servers: server,
    ...(user !== undefined && { user, pass: password ?? '' }),
    name: options.service,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // Otherwise nats.js builds an Error with a stack for every publish and pull, to have it ready should the
    // call fail: about a tenth of tickets' CPU under load. Errors still come, with a shorter stack.
    noAsyncTraces: true,
  })
  const jsm = await jetstreamManager(connection)
  const namespace = options.namespace
  return {
    connection,
    js: jetstream(connection),
    jsm,
    namespace,
    service: options.service,
    replicas: options.replicas ?? 1,
    subject: (type) => `${namespace}.${type}`,
    streamName: (stream) => `${namespace.toUpperCase()}_${stream}`,
    async close() {
      if (!connection.isClosed()) await connection.drain()
    },
  }
}

/**
 * The server to connect to, and as whom: NATS_USER and NATS_PASSWORD, else the credentials in the URL (which
 * the client library would not read), else none.
 */
function busServer(options: BusOptions): { server: string; user?: string; password?: string } {
  let url: URL
  try {
    url = new URL(options.url)
  } catch {
    return { server: options.url, user: options.user, password: options.password } // host:port
  }
  const fromUrl = url.username
    ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : {}
  url.username = ''
  url.password = ''
  const server = fromUrl.user === undefined ? options.url : url.toString().replace(/\/$/, '')
  return options.user ? { server, user: options.user, password: options.password } : { server, ...fromUrl }
}

/** The bus as a dependency: ready while connected, drained when the app closes. */
export function busDependency(bus: Bus) {
  return dependency('bus', {
    check: () => bus.connection.flush(),
    close: () => bus.close(),
  })
}

/**
 * Publishes an event to its subject and waits for JetStream's ack. The event id is the Nats-Msg-Id, so a
 * second publish of the same event within the duplicate window is stored once (a test may pass another id to
 * make JetStream keep a duplicate).
 */
export async function publishEvent(
  bus: Bus,
  event: CloudEvent,
  options: { msgID?: string; timeout?: number } = {},
): Promise<void> {
  await bus.js.publish(bus.subject(event.type), JSON.stringify(event), {
    msgID: options.msgID ?? event.id,
    ...(options.timeout !== undefined && { timeout: options.timeout }),
  })
}
