import { inject } from 'vitest';
import {
  createDatabaseFromTemplate,
  type CreateTestDatabaseOptions,
  type TestDatabase,
} from './create-database-from-template.js';
import './test-database-context.js';

/**
 * A fresh database of its own for one test file or test, copied from the
 * migrated template, so test files run in parallel without seeing each
 * other's rows. Needs the globalSetup `@goals/database/testing/global-setup`.
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const context = inject('goalsTestDatabase');
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the declared type assumes the globalSetup ran; without it inject() returns undefined
  if (context === undefined) {
    throw new Error(
      "createTestDatabase() found no test cluster: add globalSetup: ['@goals/database/testing/global-setup'] to vitest.config.ts",
    );
  }
  return createDatabaseFromTemplate(context, options);
}

/** Runs `work` with a fresh test database and drops it afterwards, whatever happens. */
export async function withTestDatabase<T>(
  work: (database: TestDatabase) => Promise<T>,
  options: CreateTestDatabaseOptions = {},
): Promise<T> {
  const database = await createTestDatabase(options);
  try {
    return await work(database);
  } finally {
    await database.drop();
  }
}
