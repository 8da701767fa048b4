/// <reference types="@fastify/cookie" preserve="true" />
// Services use request.cookies and reply.setCookie: keep the plugin's type augmentation in the built declarations.
// Errors
export { errorRegistry, type ErrorCode, type ErrorSpec } from './errors/registry.js'
export {
  AppError,
  ConflictError,
  defineError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  ValidationError,
  type AppErrorOptions,
  type ErrorItem,
} from './errors/app-error.js'

// Configuration
export {
  allowedOrigins,
  authEnv,
  busEnv,
  commonEnv,
  ConfigError,
  databaseEnv,
  loadConfig,
  type ConfigProblem,
} from './config/load-config.js'

// HTTP kit
export {
  buildService,
  listen,
  requestId,
  type ServiceInstance,
  type ServiceOptions,
} from './http/build-service.js'
export { SLOW_REQUEST_MS } from './http/build-service.js'
export { BODY_LIMIT_BYTES } from './http/body-limit.js'
export { dependency, type DependencyHooks, type ReadinessCheck } from './http/dependencies.js'
export { commonErrorOptions, errorHandler, notFoundHandler } from './http/error-handler.js'
export {
  serveMetrics,
  ServiceMetrics,
  type ConsumerReading,
  type HandlerOutcome,
  type MetricsServer,
  type OutboxReading,
} from './metrics.js'
export {
  documentApi,
  ErrorResponse,
  errorResponse,
  openApiDocuments,
  openApiPath,
  registeredRoutes,
  requestErrors,
  type OpenApiOptions,
  type RegisteredRoute,
} from './http/openapi.js'

// Database kit
export { createDb, statementsSent, type DbOptions } from './db/create-db.js'
export { migrateCommand, migrateToLatest, MigrationFailedError } from './db/migrate.js'
export { afterCommit, inTransaction, pgErrorCode, type TransactionOptions } from './db/transaction.js'

// Process
export { runService, type RunningService, type RunOptions } from './process/run-service.js'
export { crashAt, FAULT_POINTS, FAULT_POINTS_VARIABLE, type FaultPoint } from './process/fault-points.js'
export { PeriodicJob, type PeriodicJobOptions } from './process/periodic-job.js'
export { statisticsRefresher, type StatisticsRefresherOptions } from './db/statistics.js'

// Events
export * from './events/index.js'

// Authentication
export { generateJwtKeyPair, loadJwtKeys, type JwtKeys, type JwtKeySources } from './auth/keys.js'
export {
  ACCESS_TOKEN_TTL_SECONDS,
  AccessTokenSigner,
  type AccessTokenClaims,
  type CurrentUser,
  type Role,
  type TokenSubject,
} from './auth/tokens.js'
export {
  authentication,
  requireAuth,
  requireRole,
  SESSION_COOKIE,
  signedInUser,
  type AuthenticationOptions,
} from './auth/authentication.js'
export { RevocationList } from './auth/revocation-list.js'
export { defaultDisplayName, DISPLAY_NAME_MAX, DISPLAY_NAME_MIN } from './auth/display-names.js'
export {
  newestFirst,
  orderedPage,
  pageQuery,
  pageRequest,
  sendPage,
  type CursorKind,
  type KeyedCursor,
  type Page,
  type PageCursor,
  type PagedRow,
} from './http/pagination.js'
export {
  currencyExponent,
  formatMinorUnits,
  MAX_PRICE,
  minimumCharge,
  PriceSchema,
  priceDecimalsError,
  priceMinimumError,
  toMajorUnits,
  toMinorUnits,
} from './money.js'
export { eventOnSale } from './catalogue.js'

// Rate limits shared by every instance (Redis)
export {
  connectRateLimitRedis,
  RateLimiter,
  rateLimitedError,
  rateLimiterDependency,
  rateLimitEnv,
  type Budget,
  type RateLimit,
  type RateLimitVerdict,
} from './rate-limit/rate-limiter.js'

// Service wiring
export { portEnv, serviceNames, services, webParts, type ServiceName } from './services.js'
export {
  buildServiceApp,
  openServiceDependencies,
  startWorker,
  workersDatabase,
  type ServiceConfig,
  type ServiceDependencies,
  type Worker,
} from './service.js'
