// `@ticketing/common/setup`: what sets a stack up, for the launcher and the gateway's nginx configuration,
// without the kits a running service loads (Fastify, Kysely, the NATS client, pino): `npm start`'s own
// process stays about 50 MB smaller for as long as the stack runs. Everything here is in the main entry too.
export { errorRegistry, type ErrorCode, type ErrorSpec } from './errors/registry.js'
export { commonEnv, ConfigError, loadConfig, type ConfigProblem } from './config/load-config.js'
export { BODY_LIMIT_BYTES } from './http/body-limit.js'
export { generateJwtKeyPair, loadJwtKeys, type JwtKeys, type JwtKeySources } from './auth/keys.js'
export * from './events/bus-permissions.js'
export { portEnv, serviceNames, services, webParts, type ServiceName } from './services.js'
