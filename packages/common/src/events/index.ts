export * from './contracts.js'
export {
  decodeEvent,
  envelope,
  InvalidEventError,
  newEvent,
  type AnyCloudEvent,
  type CloudEvent,
} from './envelope.js'
export { busDependency, connectBus, publishEvent, type Bus, type BusOptions } from './bus.js'
export {
  busPasswordVariable,
  busPermissions,
  busUserName,
  busUsersFromVariables,
  natsAuthorizationBlock,
  type BusPermissions,
  type BusUser,
} from './bus-permissions.js'
export { durableName, ensureTopology, handlerName, removeTopology } from './topology.js'
export {
  eventTablesV1,
  type DeadLetterTable,
  type EventTables,
  type OutboxTable,
  type ProcessedEventTable,
} from './event-tables.js'
export { writeEvent, writeEvents, type OutgoingEvent, type WriteEventOptions } from './outbox.js'
export { republishSince } from './republish.js'
export { OutboxRelay, type OutboxRelayOptions, type PublishedEvent } from './outbox-relay.js'
export {
  EventListeners,
  type EventHandler,
  type EventListenersOptions,
  type HandledEvent,
} from './listener.js'
export { ReplaySubscriber, type ReplaySubscriberOptions } from './replay-subscriber.js'
export { replicaDecision, RetryLaterError, skipOrWait, type ReplicaDecision } from './retry-later.js'
export { type EventLogger } from './logger.js'
