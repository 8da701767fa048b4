export * from './contracts.js'
export {
  assertEventData,
  decodeEvent,
  envelope,
  InvalidEventError,
  newEvent,
  type AnyCloudEvent,
  type CloudEvent,
} from './envelope.js'
export { busDependency, connectBus, publishEvent, type Bus, type BusOptions } from './bus.js'
export {
  consumerConfig,
  durableName,
  DUPLICATE_WINDOW_NS,
  ensureTopology,
  removeTopology,
} from './topology.js'
export {
  eventTablesV1,
  type DeadLetterTable,
  type EventTables,
  type OutboxTable,
  type ProcessedEventTable,
} from './event-tables.js'
export { onOutboxCommit, writeEvent, type WriteEventOptions } from './outbox.js'
export { OutboxRelay, type OutboxRelayOptions, type PublishedEvent } from './outbox-relay.js'
export {
  EventListeners,
  type EventHandler,
  type EventListenersOptions,
  type HandledEvent,
} from './listener.js'
export { ReplaySubscriber, type ReplaySubscriberOptions } from './replay-subscriber.js'
export { replicaDecision, RetryLaterError, type ReplicaDecision } from './retry-later.js'
export { type EventLogger } from './logger.js'
