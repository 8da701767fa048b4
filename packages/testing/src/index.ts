export { testBuses, type TestBuses } from './bus.js'
export { checkInfrastructure, infrastructure } from './infrastructure.js'
export {
  createTestDatabase,
  dropStaleTestDatabases,
  nameTestDatabase,
  type TestDatabase,
} from './databases.js'
export { randomId, testNamespace } from './names.js'
export { startNatsServer, type PrivateNatsServer } from './nats-server.js'
export { testRedisPrefix, type TestRedisPrefix } from './redis.js'
