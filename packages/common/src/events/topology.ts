import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type StreamConfig,
} from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import type { Bus } from './bus.js'
import type { ServiceName } from '../services.js'
import {
  consumerName,
  streamOf,
  streams,
  streamsReadBy,
  subscriptions,
  type EventType,
  type StreamKey,
} from './contracts.js'

const MINUTE_NS = nanos(60_000)

/** Publishes with the same Nats-Msg-Id within this window are stored once. */
export const DUPLICATE_WINDOW_NS = 2 * MINUTE_NS
/**
 * How long a stream keeps events: a recreated consumer reads them again, a revocation list rebuilds its 16
 * minutes. Shorter than processed_events is kept (7 days), so a re-read event is always recognised.
 */
const STREAM_MAX_AGE_NS = 24 * 60 * MINUTE_NS
/** A stream that is full refuses new publishes (the outbox keeps them) rather than dropping old ones. */
const STREAM_MAX_BYTES = 1024 ** 3
/** How long a handler may hold a message before it is redelivered. */
const ACK_WAIT_NS = nanos(30_000)

/**
 * A service's handler of one event type, as processed_events knows it: `orders-ticket-created` (the name each
 * type's own consumer had before there was one consumer per stream, so rows written then still count).
 */
export function handlerName(service: ServiceName, type: EventType): string {
  return `${service}-${type.replace(/\./g, '-')}`
}

/** The durable consumer through which a service receives events of this type. */
export function durableName(service: ServiceName, type: EventType): string {
  return consumerName(service, streamOf(type))
}

function streamConfig(bus: Bus, key: StreamKey): Partial<StreamConfig> & { name: string } {
  const stream = streams[key]
  return {
    name: bus.streamName(key),
    subjects: stream.entities.map((entity) => `${bus.namespace}.${entity}.>`),
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_bytes: STREAM_MAX_BYTES,
    max_age: STREAM_MAX_AGE_NS,
    duplicate_window: DUPLICATE_WINDOW_NS,
    num_replicas: bus.replicas,
  }
}

/**
 * The configuration a start applies to a stream that exists: ours, but never fewer replicas than it has (an
 * operator may have raised them; a service configured for fewer must not quietly drop copies).
 */
export function streamUpdate(
  existing: Pick<StreamConfig, 'num_replicas'>,
  wanted: Partial<StreamConfig> & { name: string },
): Partial<StreamConfig> & { name: string } {
  return { ...wanted, num_replicas: Math.max(existing.num_replicas, wanted.num_replicas ?? 1) }
}

/**
 * One durable pull consumer per service and stream, filtered to the subjects the service handles: the events of
 * one entity reach it in the order they were published, whatever their types.
 */
export function consumerConfig(bus: Bus, service: ServiceName, stream: StreamKey): Partial<ConsumerConfig> {
  const types = (subscriptions[service] as readonly EventType[]).filter((type) => streamOf(type) === stream)
  return {
    durable_name: consumerName(service, stream),
    // Several filters need NATS 2.10; Debian's is 2.9, where the consumer takes the whole stream and the
    // listener acknowledges, unhandled, what the service does not listen to.
    ...(supportsSeveralFilters(bus) && { filter_subjects: types.map((type) => bus.subject(type)) }),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ACK_WAIT_NS,
    max_deliver: -1,
    // Unbounded: a message waiting on nak backoff stays pending, and a bound would let enough of them (events
    // waiting for others, a handler failing for a while) stop every other delivery. Each instance bounds what
    // it holds by the messages it pulls (the listener's concurrency).
    max_ack_pending: -1,
  }
}

/** Whether the server takes `filter_subjects` (NATS 2.10 and later). */
export function supportsSeveralFilters(bus: Bus): boolean {
  const [major = 0, minor = 0] = (bus.connection.info?.version ?? '0.0.0').split('.').map(Number)
  return major > 2 || (major === 2 && minor >= 10)
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404
}

async function ensureStream(bus: Bus, key: StreamKey): Promise<void> {
  const config = streamConfig(bus, key)
  try {
    const { config: existing } = await bus.jsm.streams.info(config.name)
    if (existing.retention !== config.retention) {
      // Made with interest retention by an earlier version; JetStream cannot change a stream's retention. Made
      // again, it is empty: its publisher's relay sees the new creation time and publishes again what it lost.
      await bus.jsm.streams.delete(config.name)
      await bus.jsm.streams.add(config)
      return
    }
    await bus.jsm.streams.update(config.name, streamUpdate(existing, config))
  } catch (error) {
    if (!isNotFound(error)) throw error
    await bus.jsm.streams.add(config) // adding an identical stream twice is not an error, so racing starts agree
  }
}

async function ensureConsumer(bus: Bus, service: ServiceName, stream: StreamKey): Promise<void> {
  const config = consumerConfig(bus, service, stream)
  try {
    await bus.jsm.consumers.add(bus.streamName(stream), config)
  } catch (error) {
    // It exists with other subjects (a subscription was added since) or limits: both may change in place.
    if (!(error instanceof JetStreamApiError)) throw error
    if (!config.filter_subjects) throw error
    await bus.jsm.consumers.update(bus.streamName(stream), config.durable_name!, {
      filter_subjects: config.filter_subjects,
      max_ack_pending: config.max_ack_pending,
    })
  }
}

/**
 * Durable consumers of the namespace's streams that the contracts no longer declare (one per event type, from
 * before a consumer per stream): nobody reads them, and they would show a backlog forever.
 */
async function removeUndeclaredConsumers(bus: Bus, wanted: Set<string>): Promise<void> {
  for (const key of Object.keys(streams) as StreamKey[]) {
    const stream = bus.streamName(key)
    const names: string[] = []
    for await (const consumer of bus.jsm.consumers.list(stream)) {
      if (consumer.config.durable_name && !wanted.has(`${key} ${consumer.name}`)) names.push(consumer.name)
    }
    for (const name of names) {
      await bus.jsm.consumers.delete(stream, name).catch((error: unknown) => {
        if (!isNotFound(error)) throw error
      })
    }
  }
}

/**
 * Makes every stream and every durable consumer of the namespace exist, as the contracts declare them. Each
 * service runs it at start, before it publishes: consumers exist before the first event, whatever order the
 * services start in, so every consumer reads every event from the first.
 */
export async function ensureTopology(bus: Bus): Promise<void> {
  for (const key of Object.keys(streams) as StreamKey[]) await ensureStream(bus, key)
  const consumers = (Object.keys(subscriptions) as ServiceName[]).flatMap((service) =>
    streamsReadBy(service).map((stream) => [service, stream] as const),
  )
  await Promise.all(consumers.map(([service, stream]) => ensureConsumer(bus, service, stream)))
  await removeUndeclaredConsumers(
    bus,
    new Set(consumers.map(([service, stream]) => `${stream} ${consumerName(service, stream)}`)),
  )
}

/** Deletes the namespace's streams (and with them their consumers): for tests and tear-downs. */
export async function removeTopology(bus: Bus): Promise<void> {
  for (const key of Object.keys(streams) as StreamKey[]) {
    try {
      await bus.jsm.streams.delete(bus.streamName(key))
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
  }
}
