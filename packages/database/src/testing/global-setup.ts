import type { TestProject } from 'vitest/node';
import { startTestCluster } from './test-cluster.js';
import './test-database-context.js';

/**
 * vitest globalSetup: one PostgreSQL and one migrated template for the whole
 * run, handed to test files through `provide('goalsTestDatabase', ...)`;
 * createTestDatabase() reads it back with `inject`. The returned function is
 * vitest's teardown.
 */
export default async function setupTestDatabases(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startTestCluster();
  project.provide('goalsTestDatabase', cluster.context);
  return () => cluster.stop();
}
