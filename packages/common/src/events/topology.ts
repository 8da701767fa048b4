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
import { streamOf, streams, subscriptions, type EventType, type StreamKey } from './contracts.js'

const MINUTE_NS = nanos(60_000)

/** Publishes with the same Nats-Msg-Id within this window are stored once. */
export const DUPLICATE_WINDOW_NS = 2 * MINUTE_NS
/** How long auth's stream keeps events: enough to rebuild a revocation list (15 minutes), with room to spare. */
const AUTH_MAX_AGE_NS = 24 * 60 * MINUTE_NS
/** A stream that is full refuses new publishes (the outbox keeps them) rather than dropping old ones. */
const STREAM_MAX_BYTES = 1024 ** 3
/** How long a handler may hold a message before it is redelivered. */
const ACK_WAIT_NS = nanos(30_000)

export function durableName(service: ServiceName, type: EventType): string {
  return `${service}-${type.replace(/\./g, '-')}`
}

function streamConfig(bus: Bus, key: StreamKey): Partial<StreamConfig> & { name: string } {
  const stream = streams[key]
  return {
    name: bus.streamName(key),
    subjects: stream.entities.map((entity) => `${bus.namespace}.${entity}.>`),
    storage: StorageType.File,
    retention: stream.retention === 'interest' ? RetentionPolicy.Interest : RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_bytes: STREAM_MAX_BYTES,
    max_age: stream.retention === 'limits' ? AUTH_MAX_AGE_NS : 0,
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

export function consumerConfig(bus: Bus, service: ServiceName, type: EventType): Partial<ConsumerConfig> {
  return {
    durable_name: durableName(service, type),
    filter_subject: bus.subject(type),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ACK_WAIT_NS,
    max_deliver: -1,
    max_ack_pending: 1_000,
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404
}

async function ensureStream(bus: Bus, key: StreamKey): Promise<void> {
  const config = streamConfig(bus, key)
  try {
    const { config: existing } = await bus.jsm.streams.info(config.name)
    await bus.jsm.streams.update(config.name, streamUpdate(existing, config))
  } catch (error) {
    if (!isNotFound(error)) throw error
    await bus.jsm.streams.add(config) // adding an identical stream twice is not an error, so racing starts agree
  }
}

async function ensureConsumer(bus: Bus, service: ServiceName, type: EventType): Promise<void> {
  await bus.jsm.consumers.add(bus.streamName(streamOf(type)), consumerConfig(bus, service, type))
}

/**
 * Makes every stream and every durable consumer of the namespace exist, as the contracts declare them. Each
 * service runs it at start, before it publishes: consumers exist before the first event, whatever order the
 * services start in, so interest-retained streams never drop an event nobody was yet listening for.
 */
export async function ensureTopology(bus: Bus): Promise<void> {
  for (const key of Object.keys(streams) as StreamKey[]) await ensureStream(bus, key)
  const consumers = (Object.keys(subscriptions) as ServiceName[]).flatMap((service) =>
    subscriptions[service].map((type) => [service, type] as const),
  )
  await Promise.all(consumers.map(([service, type]) => ensureConsumer(bus, service, type)))
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
