export { createTestDatabase, withTestDatabase } from './create-test-database.js';
export {
  createDatabaseFromTemplate,
  type CreateTestDatabaseOptions,
  type TestDatabase,
} from './create-database-from-template.js';
export { startTestCluster, type TestCluster, type TestClusterOptions } from './test-cluster.js';
export type { TestDatabaseContext } from './test-database-context.js';
export { StallingTcpProxy } from './stalling-tcp-proxy.js';
