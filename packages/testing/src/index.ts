export { checkInfrastructure, infrastructure } from './infrastructure.js'
export {
  createTestDatabase,
  dropStaleTestDatabases,
  nameTestDatabase,
  type TestDatabase,
} from './databases.js'
export { randomId, testNamespace } from './names.js'
export { testRedisPrefix, type TestRedisPrefix } from './redis.js'
