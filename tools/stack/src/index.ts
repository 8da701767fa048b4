export { ApiClient, type ApiResponse } from './api-client.js'
export { buildClient } from './build.js'
export {
  findOrStartInfrastructure,
  findOrStartNats,
  SetupError,
  type NatsAuthorization,
  type NatsUsers,
  type Infrastructure,
  type InfrastructurePorts,
} from './infrastructure.js'
export { KUBERNETES_AUTH_FILE, kubernetesNatsAuthorization, privateNatsAuthorization } from './nats-users.js'
export { ManagedProcess, type ProcessSpec } from './managed-process.js'
export { FileOutput, TerminalOutput, type StackOutput } from './output.js'
export { canListen, freePort, isPortOpen } from './ports.js'
export {
  DEMO_ADMIN_EMAIL,
  DEMO_EVENTS,
  DEMO_LISTINGS_ON_SALE,
  localInstant,
  seedDemoMarketplace,
} from './seed.js'
export {
  BUILT_ENV,
  defaultMetricsPort,
  DEFAULT_PORTS,
  repositoryRoot,
  SERVICES,
  startStack,
  type Part,
  type Stack,
  type StackOptions,
} from './stack.js'
